#include "messages/errors.hpp"

namespace tsnode {

std::string_view to_string(resolve_errc x) noexcept {
  switch (x) {
    case resolve_errc::no_such_host:
      return "no such host in the tailnet";
    case resolve_errc::not_ready:
      return "no network map yet";
  }
  return "unknown resolve error";
}

std::string_view to_string(tailnet_errc x) noexcept {
  switch (x) {
    case tailnet_errc::no_such_peer:
      return "no such node in the tailnet";
    case tailnet_errc::not_ready:
      return "no network map yet";
  }
  return "unknown tailnet error";
}

} // namespace tsnode
