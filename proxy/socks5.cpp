#include "proxy/socks5.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

namespace tsnode::proxy {

namespace {

// Compact the input buffer once this many consumed bytes sit in front of the unparsed ones.
constexpr std::size_t compact_threshold = 4096;

std::uint16_t load_be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::string_view as_text(const std::uint8_t* p, std::size_t n) noexcept {
  return {reinterpret_cast<const char*>(p), n};
}

} // namespace

byte_buffer make_socks5_reply(socks5_reply code, const ip_address& bound,
                              std::uint16_t bound_port) {
  byte_buffer out;
  out.reserve(socks5_reply_v6_size);
  out.push_back(socks5_version);
  out.push_back(static_cast<std::uint8_t>(code));
  out.push_back(0x00); // RSV
  out.push_back(static_cast<std::uint8_t>(bound.is_v4() ? address_type::ipv4 : address_type::ipv6));
  auto addr = bound.bytes();
  out.insert(out.end(), addr.begin(), addr.end());
  out.push_back(static_cast<std::uint8_t>(bound_port >> 8));
  out.push_back(static_cast<std::uint8_t>(bound_port));
  return out;
}

socks5_reply to_socks5_reply(dial_error e) noexcept {
  switch (e) {
    case dial_error::no_such_host:
    case dial_error::unreachable:
      return socks5_reply::host_unreachable;
    case dial_error::no_route:
      return socks5_reply::network_unreachable;
    case dial_error::refused:
      return socks5_reply::connection_refused;
    case dial_error::timeout:
      return socks5_reply::ttl_expired;
    case dial_error::policy:
      return socks5_reply::not_allowed;
    case dial_error::general:
      break;
  }
  return socks5_reply::general_failure;
}

byte_buffer make_socks4_rejection() {
  // SOCKS4: VN 0, CD 91 ("request rejected or failed"), DSTPORT 0, DSTIP 0.
  return byte_buffer{0x00, 91, 0, 0, 0, 0, 0, 0};
}

std::string_view to_string(socks5_state x) noexcept {
  switch (x) {
    case socks5_state::greeting:
      return "greeting";
    case socks5_state::auth:
      return "auth";
    case socks5_state::request:
      return "request";
    case socks5_state::connecting:
      return "connecting";
    case socks5_state::udp_setup:
      return "udp_setup";
    case socks5_state::established:
      return "established";
    case socks5_state::udp_associated:
      return "udp_associated";
    case socks5_state::closed:
      return "closed";
  }
  return "unknown";
}

socks5_session::socks5_session(credential_check check)
  : check_(std::move(check)) {
  // nop
}

action socks5_session::on_bytes(byte_view in) {
  switch (state_) {
    case socks5_state::connecting:
    case socks5_state::established:
      // Optimistic data (anchors.md §4.3 item 4): the caller holds it until the dial succeeds.
      if (in.empty())
        return need_more{};
      return payload{byte_buffer(in.begin(), in.end())};
    case socks5_state::udp_setup:
    case socks5_state::udp_associated:
      // RFC 1928 §7: the TCP connection carries nothing after UDP ASSOCIATE.
      return need_more{};
    case socks5_state::closed:
      return close_with{{}, closed_reason_};
    default:
      break;
  }
  buf_.insert(buf_.end(), in.begin(), in.end());
  return step();
}

action socks5_session::on_connected(const ip_address& bound, std::uint16_t bound_port) {
  if (state_ != socks5_state::connecting)
    return close(socks5_errc::out_of_order);
  state_ = socks5_state::established;
  return reply{make_socks5_reply(socks5_reply::succeeded, bound, bound_port)};
}

action socks5_session::on_udp_ready(const ip_address& relay, std::uint16_t relay_port) {
  if (state_ != socks5_state::udp_setup)
    return close(socks5_errc::out_of_order);
  state_ = socks5_state::udp_associated;
  return reply{make_socks5_reply(socks5_reply::succeeded, relay, relay_port)};
}

action socks5_session::on_dial_failed(dial_error e) {
  if (state_ != socks5_state::connecting && state_ != socks5_state::udp_setup)
    return close(socks5_errc::out_of_order);
  return close(socks5_errc::dial_failed, to_socks5_reply(e));
}

action socks5_session::step() {
  switch (state_) {
    case socks5_state::greeting:
      return parse_greeting();
    case socks5_state::auth:
      return parse_auth();
    case socks5_state::request:
      return parse_request();
    default:
      return need_more{}; // unreachable: on_bytes handles the other states
  }
}

action socks5_session::close(socks5_errc why, byte_buffer bytes) {
  state_ = socks5_state::closed;
  closed_reason_ = why;
  buf_.clear();
  buf_.shrink_to_fit();
  pos_ = 0;
  return close_with{std::move(bytes), why};
}

action socks5_session::close(socks5_errc why, socks5_reply code) {
  return close(why, make_socks5_reply(code));
}

void socks5_session::consume(std::size_t n) {
  pos_ += n;
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ >= compact_threshold) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
}

byte_buffer socks5_session::take_rest() {
  byte_buffer rest(buf_.begin() + static_cast<std::ptrdiff_t>(pos_), buf_.end());
  buf_.clear();
  buf_.shrink_to_fit();
  pos_ = 0;
  return rest;
}

action socks5_session::parse_greeting() {
  // RFC 1928 §3: VER NMETHODS METHODS(1..255).
  if (available() < 1)
    return need_more{};
  if (cursor()[0] != socks5_version)
    return close(socks5_errc::bad_version); // loopback.rs: not SOCKS5, close without a reply
  if (available() < 2)
    return need_more{};
  std::size_t nmethods = cursor()[1];
  if (available() < 2 + nmethods)
    return need_more{};
  const std::uint8_t* methods = cursor() + 2;
  bool offered = std::find(methods, methods + nmethods, method_user_pass) != methods + nmethods;
  consume(2 + nmethods);
  if (!offered) {
    // RFC 1928 §3: X'FF' means none of the offered methods is acceptable; the client closes.
    // Auth is mandatory here, so a client without credentials (NMETHODS 0 included) ends here.
    return close(socks5_errc::no_acceptable_method, byte_buffer{socks5_version, method_none});
  }
  state_ = socks5_state::auth;
  return reply{byte_buffer{socks5_version, method_user_pass}};
}

action socks5_session::parse_auth() {
  // RFC 1929 §2: VER ULEN UNAME PLEN PASSWD. ULEN and PLEN 0 occur in practice (curl, Java send an
  // empty password: anchors.md §4.3 item 7), so they parse and then fail the check.
  if (available() < 1)
    return need_more{};
  if (cursor()[0] != auth_version)
    return close(socks5_errc::bad_auth_version); // loopback.rs closes without a reply
  if (available() < 2)
    return need_more{};
  std::size_t ulen = cursor()[1];
  if (available() < 2 + ulen + 1)
    return need_more{};
  std::size_t plen = cursor()[2 + ulen];
  std::size_t total = 2 + ulen + 1 + plen;
  if (available() < total)
    return need_more{};
  auto user = as_text(cursor() + 2, ulen);
  auto password = as_text(cursor() + 3 + ulen, plen);
  // An empty password never authenticates, whatever the check would say: the credential is a
  // random 32-hex string, so an empty one can only be a misconfiguration.
  bool ok = plen > 0 && check_ && check_(user, password);
  consume(total);
  // RFC 1929 §2: a non-zero STATUS means failure and the server MUST close the connection.
  if (plen == 0)
    return close(socks5_errc::empty_password, byte_buffer{auth_version, auth_failure});
  if (!ok)
    return close(socks5_errc::auth_failed, byte_buffer{auth_version, auth_failure});
  state_ = socks5_state::request;
  return reply{byte_buffer{auth_version, auth_success}};
}

action socks5_session::parse_request() {
  // RFC 1928 §4: VER CMD RSV ATYP DST.ADDR DST.PORT. The whole request is read before any reply,
  // as loopback.rs does, so the client is never left mid-write when the connection closes; only an
  // unknown ATYP is answered at once, since its length cannot be known.
  if (available() < socks5_request_header_size)
    return need_more{};
  const std::uint8_t* p = cursor();
  std::uint8_t ver = p[0];
  std::uint8_t cmd = p[1];
  std::uint8_t atyp = p[3];
  std::size_t addr_len = 0;
  std::size_t addr_off = socks5_request_header_size;
  switch (static_cast<address_type>(atyp)) {
    case address_type::ipv4:
      addr_len = 4;
      break;
    case address_type::ipv6:
      addr_len = 16;
      break;
    case address_type::domain:
      if (available() < socks5_request_header_size + 1)
        return need_more{};
      addr_len = p[4];
      addr_off += 1;
      break;
    default:
      return close(socks5_errc::address_type_not_supported,
                   socks5_reply::address_type_not_supported);
  }
  std::size_t total = addr_off + addr_len + 2;
  if (available() < total)
    return need_more{};
  // loopback.rs answers a request with a bad VER with 07 (Go's net/socks5 with 01); we keep 07.
  if (ver != socks5_version)
    return close(socks5_errc::bad_request_version, socks5_reply::command_not_supported);
  if (cmd != cmd_connect && cmd != cmd_udp_associate)
    return close(socks5_errc::command_not_supported, socks5_reply::command_not_supported);
  // RSV (p[2]) is not checked: RFC 1928 fixes it at X'00' but no client depends on it.
  std::uint16_t port = load_be16(p + addr_off + addr_len);
  destination dst;
  if (atyp == static_cast<std::uint8_t>(address_type::ipv4)) {
    dst = make_destination(ip_address::v4(p[4], p[5], p[6], p[7]), port);
  } else if (atyp == static_cast<std::uint8_t>(address_type::ipv6)) {
    std::array<std::uint8_t, 16> b{};
    std::copy(p + 4, p + 20, b.begin());
    dst = make_destination(ip_address::v6(b), port);
  } else {
    // A zero-length or otherwise invalid name is refused with 01 (general failure), never dialed
    // (anchors.md §4.3 item 7). IP literals inside ATYP 3 come back with `ip` set.
    auto named = make_destination(as_text(p + addr_off, addr_len), port);
    if (!named)
      return close(socks5_errc::bad_domain, socks5_reply::general_failure);
    dst = std::move(*named);
  }
  consume(total);
  if (cmd == cmd_udp_associate) {
    state_ = socks5_state::udp_setup;
    buf_.clear();
    buf_.shrink_to_fit();
    pos_ = 0;
    return udp_associate_request{std::move(dst)};
  }
  state_ = socks5_state::connecting;
  return connect_request{std::move(dst), take_rest()};
}

} // namespace tsnode::proxy
