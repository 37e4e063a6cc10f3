#pragma once
/// @file
/// The typed interface of the netstack actor: the only owner of the overlay TCP/IP stack.
/// Sessions ask it for overlay connections and hand it client sockets to splice with them; a
/// test passes any actor with this interface (a mock that dials localhost).

#include <caf/typed_actor.hpp>

#include "messages/type_ids.hpp"

namespace tsnode {

using netstack_actor = caf::typed_actor<
  /// Dials ip:port in the overlay within the timeout. Errors: netstack_errc (refused, timeout,
  /// no_route, unreachable, ...).
  caf::replies_to<dial_atom, std::string, std::uint16_t, caf::timespan>::with<dial_result>,
  /// Splices dialed connection `conn_id` with a client socket; `leftover` (client bytes read
  /// during negotiation) goes first. Answers when the splice has ended.
  caf::replies_to<splice_atom, std::uint64_t, fd_handle,
                  std::vector<std::uint8_t>>::with<splice_summary>,
  /// Opens a SOCKS5 UDP ASSOCIATE relay for the client at `client_ip` (its TCP peer address),
  /// which announced `requested_port` (0: unknown). Answers with the relay's loopback address.
  caf::replies_to<udp_associate_atom, std::string, std::uint16_t>::with<udp_relay_info>,
  /// Closes a relay (its TCP control connection ended).
  caf::reacts_to<udp_release_atom, std::uint64_t>,
  /// Closes a dialed connection that will not be spliced.
  caf::reacts_to<close_atom, std::uint64_t>,
  /// Returns counters.
  caf::replies_to<status_atom>::with<netstack_status>>;

} // namespace tsnode
