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

} // namespace tsnode
