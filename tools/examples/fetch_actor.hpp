#pragma once
/// @file
/// The example application's own actor (tools/examples/embed_actor.cpp): it asks the node's
/// resolver for a name and the node's netstack for an overlay TCP connection, sends a request
/// over it and collects the reply. It only knows the typed interfaces of messages/, so a test
/// runs it against mock actors under the deterministic scheduler (tests/api/).

#include <caf/all.hpp>

#include <cstdint>
#include <string>

#include "messages/netstack_actor.hpp"
#include "messages/resolver_actor.hpp"

namespace tsnode::examples {

/// Polls the socket for reply bytes (the example's own atom; no registration needed).
using poll_atom = caf::atom_constant<caf::atom("fpoll")>;

struct fetch_state {
  int fd = -1;             ///< our end of the socketpair spliced with the overlay connection
  std::string reply;       ///< every byte read so far
  bool poll_armed = false; ///< a poll_atom is on its way
  bool done = false;       ///< `ok`/`error` are final
  bool ok = false;         ///< the exchange ended with EOF after a reply
  std::string error;       ///< why it failed, for people
  caf::actor report_to;    ///< gets (bool ok, std::string reply-or-error) once done
  static inline const char* name = "fetcher";
};

/// Fetches: resolves `host`, dials `port` in the overlay, writes `request`, reads until the
/// server closes, then sends `report_to` (when set) `(true, reply)` or `(false, error)` and
/// quits. The whole exchange must finish within `deadline`.
caf::behavior fetcher(caf::stateful_actor<fetch_state>* self, resolver_actor resolver,
                      netstack_actor net, std::string host, std::uint16_t port, std::string request,
                      caf::actor report_to, caf::timespan deadline = std::chrono::seconds(30));

} // namespace tsnode::examples
