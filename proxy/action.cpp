#include "proxy/action.hpp"

namespace tsnode::proxy {

std::string_view to_string(dial_error x) noexcept {
  switch (x) {
    case dial_error::no_such_host:
      return "no_such_host";
    case dial_error::no_route:
      return "no_route";
    case dial_error::refused:
      return "refused";
    case dial_error::timeout:
      return "timeout";
    case dial_error::unreachable:
      return "unreachable";
    case dial_error::policy:
      return "policy";
    case dial_error::general:
      return "general";
  }
  return "unknown";
}

} // namespace tsnode::proxy
