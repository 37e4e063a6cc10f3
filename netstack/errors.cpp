#include "netstack/errors.hpp"

namespace tsnode::netstack {

std::string_view to_string(netstack_errc x) noexcept {
  switch (x) {
    case netstack_errc::refused:
      return "connection refused";
    case netstack_errc::timeout:
      return "connection timed out";
    case netstack_errc::no_route:
      return "no route: no peer's allowed IPs cover the destination";
    case netstack_errc::unreachable:
      return "destination unreachable";
    case netstack_errc::reset:
      return "connection reset by peer";
    case netstack_errc::aborted:
      return "connection aborted";
    case netstack_errc::out_of_memory:
      return "out of memory";
    case netstack_errc::closed:
      return "connection closed";
    case netstack_errc::bad_address:
      return "the node has no address of that family";
    case netstack_errc::in_use:
      return "address in use";
  }
  return "unknown netstack error";
}

} // namespace tsnode::netstack
