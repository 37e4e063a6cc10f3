#pragma once
/// @file
/// The one type-ID block of tsnode (style.md §5.5): every atom and message type, 0.17.6
/// spellings with 0.18-friendly forms (`_v` atom constants).

#include <caf/type_id.hpp>

#include "messages/errors.hpp"
#include "messages/fd_handle.hpp"
#include "messages/tailnet.hpp"
#include "messages/types.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(tsnode, caf::first_custom_type_id)

  CAF_ADD_ATOM(tsnode, tsnode, resolve_atom, "resolve")
  CAF_ADD_ATOM(tsnode, tsnode, dial_atom, "dial")
  CAF_ADD_ATOM(tsnode, tsnode, splice_atom, "splice")
  CAF_ADD_ATOM(tsnode, tsnode, close_atom, "close")
  CAF_ADD_ATOM(tsnode, tsnode, status_atom, "status")
  CAF_ADD_ATOM(tsnode, tsnode, dialed_atom, "dialed")
  CAF_ADD_ATOM(tsnode, tsnode, spliced_atom, "spliced")
  CAF_ADD_ATOM(tsnode, tsnode, accepted_atom, "accepted")
  CAF_ADD_ATOM(tsnode, tsnode, bytes_atom, "bytes")
  CAF_ADD_ATOM(tsnode, tsnode, eof_atom, "eof")
  CAF_ADD_ATOM(tsnode, tsnode, released_atom, "released")
  CAF_ADD_ATOM(tsnode, tsnode, deadline_atom, "deadline")
  CAF_ADD_ATOM(tsnode, tsnode, stop_atom, "stop")
  CAF_ADD_ATOM(tsnode, tsnode, udp_associate_atom, "udpassoc")
  CAF_ADD_ATOM(tsnode, tsnode, udp_release_atom, "udprelease")
  CAF_ADD_ATOM(tsnode, tsnode, netmap_atom, "netmap")
  CAF_ADD_ATOM(tsnode, tsnode, lookup_name_atom, "lookupname")
  CAF_ADD_ATOM(tsnode, tsnode, lookup_ip_atom, "lookupip")
  CAF_ADD_ATOM(tsnode, tsnode, lookup_key_atom, "lookupkey")
  CAF_ADD_ATOM(tsnode, tsnode, subscribe_atom, "subscribe")

  CAF_ADD_TYPE_ID(tsnode, (tsnode::dial_result))
  CAF_ADD_TYPE_ID(tsnode, (tsnode::splice_summary))
  CAF_ADD_TYPE_ID(tsnode, (tsnode::resolve_result))
  CAF_ADD_TYPE_ID(tsnode, (tsnode::netstack_status))
  CAF_ADD_TYPE_ID(tsnode, (tsnode::udp_relay_info))
  CAF_ADD_TYPE_ID(tsnode, (tsnode::tailnet_node))
  CAF_ADD_TYPE_ID(tsnode, (tsnode::tailnet_map))
  CAF_ADD_TYPE_ID(tsnode, (tsnode::control_status))

CAF_END_TYPE_ID_BLOCK(tsnode)

// A descriptor is process-local by nature: it may travel between local actors only.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tsnode::fd_handle)
