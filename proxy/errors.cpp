#include "proxy/errors.hpp"

namespace tsnode::proxy {

std::string_view to_string(socks5_errc x) noexcept {
  switch (x) {
    case socks5_errc::bad_version:
      return "bad_version";
    case socks5_errc::no_acceptable_method:
      return "no_acceptable_method";
    case socks5_errc::bad_auth_version:
      return "bad_auth_version";
    case socks5_errc::empty_password:
      return "empty_password";
    case socks5_errc::auth_failed:
      return "auth_failed";
    case socks5_errc::bad_request_version:
      return "bad_request_version";
    case socks5_errc::command_not_supported:
      return "command_not_supported";
    case socks5_errc::address_type_not_supported:
      return "address_type_not_supported";
    case socks5_errc::bad_domain:
      return "bad_domain";
    case socks5_errc::dial_failed:
      return "dial_failed";
    case socks5_errc::socks4_request:
      return "socks4_request";
    case socks5_errc::out_of_order:
      return "out_of_order";
    case socks5_errc::closed:
      return "closed";
  }
  return "unknown";
}

std::string_view to_string(http_errc x) noexcept {
  switch (x) {
    case http_errc::malformed_request:
      return "malformed_request";
    case http_errc::method_not_allowed:
      return "method_not_allowed";
    case http_errc::version_not_supported:
      return "version_not_supported";
    case http_errc::bad_target:
      return "bad_target";
    case http_errc::headers_too_large:
      return "headers_too_large";
    case http_errc::auth_required:
      return "auth_required";
    case http_errc::auth_failed:
      return "auth_failed";
    case http_errc::dial_failed:
      return "dial_failed";
    case http_errc::out_of_order:
      return "out_of_order";
    case http_errc::closed:
      return "closed";
  }
  return "unknown";
}

std::string_view to_string(udp_errc x) noexcept {
  switch (x) {
    case udp_errc::too_short:
      return "too_short";
    case udp_errc::fragmented:
      return "fragmented";
    case udp_errc::address_type_not_supported:
      return "address_type_not_supported";
    case udp_errc::bad_domain:
      return "bad_domain";
    case udp_errc::too_large:
      return "too_large";
    case udp_errc::wrong_source:
      return "wrong_source";
  }
  return "unknown";
}

std::string_view to_string(const close_reason& x) noexcept {
  return std::visit([](auto e) { return to_string(e); }, x);
}

} // namespace tsnode::proxy
