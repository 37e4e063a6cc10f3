#include "proxy/session.hpp"

#include <utility>

namespace tsnode::proxy {

proxy_session::proxy_session(credential_check check, std::size_t max_head_size)
  : check_(std::move(check))
  , max_head_size_(max_head_size) {
  // nop
}

action proxy_session::on_bytes(byte_view in) {
  if (std::holds_alternative<undecided>(impl_)) {
    if (in.empty())
      return need_more{};
    switch (detect_protocol(in[0])) {
      case protocol::socks5:
        impl_.emplace<socks5_session>(std::move(check_));
        break;
      case protocol::http:
        impl_.emplace<http_connect_session>(std::move(check_), max_head_size_);
        break;
      case protocol::socks4:
        impl_.emplace<rejected>();
        return close_with{make_socks4_rejection(), socks5_errc::socks4_request};
    }
  }
  if (auto* s = std::get_if<socks5_session>(&impl_))
    return s->on_bytes(in);
  if (auto* h = std::get_if<http_connect_session>(&impl_))
    return h->on_bytes(in);
  return close_with{{}, socks5_errc::closed};
}

action proxy_session::on_connected(const ip_address& bound, std::uint16_t bound_port) {
  if (auto* s = std::get_if<socks5_session>(&impl_))
    return s->on_connected(bound, bound_port);
  if (auto* h = std::get_if<http_connect_session>(&impl_))
    return h->on_connected();
  return close_with{{}, socks5_errc::out_of_order};
}

action proxy_session::on_udp_ready(const ip_address& relay, std::uint16_t relay_port) {
  if (auto* s = std::get_if<socks5_session>(&impl_))
    return s->on_udp_ready(relay, relay_port);
  if (auto* h = std::get_if<http_connect_session>(&impl_))
    return h->on_dial_failed(dial_error::general); // HTTP never asks for a relay
  return close_with{{}, socks5_errc::out_of_order};
}

action proxy_session::on_dial_failed(dial_error e) {
  if (auto* s = std::get_if<socks5_session>(&impl_))
    return s->on_dial_failed(e);
  if (auto* h = std::get_if<http_connect_session>(&impl_))
    return h->on_dial_failed(e);
  return close_with{{}, socks5_errc::out_of_order};
}

std::optional<protocol> proxy_session::detected() const noexcept {
  if (std::holds_alternative<socks5_session>(impl_))
    return protocol::socks5;
  if (std::holds_alternative<http_connect_session>(impl_))
    return protocol::http;
  if (std::holds_alternative<rejected>(impl_))
    return protocol::socks4;
  return std::nullopt;
}

} // namespace tsnode::proxy
