#include "proxy/http_connect.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "proxy/base64.hpp"

namespace tsnode::proxy {

namespace {

// RFC 9110 §5.6.2: tchar.
bool is_tchar(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

// Control characters other than HTAB (RFC 9110 §5.5: field values never contain them; a NUL or a
// bare CR is a request to be rejected, RFC 9112 §2.2).
bool has_ctl(std::string_view s) noexcept {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t') || c == 0x7f;
  });
}

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Header names and auth schemes are case-insensitive (RFC 9110 §5.1, §11.1).
bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::optional<std::uint16_t> parse_port(std::string_view s) noexcept {
  // RFC 3986 §3.2.3: port = *DIGIT; CONNECT needs a real one (1..65535).
  if (s.empty() || s.size() > 5)
    return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v == 0 || v > 65535)
    return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

// RFC 9112 §3.2.3: CONNECT uses the authority-form, uri-host ":" port, where uri-host is a
// reg-name, an IPv4 address or an IP-literal in brackets. No userinfo, path, query or fragment.
std::optional<destination> parse_authority(std::string_view t) {
  std::string_view host;
  std::string_view port;
  if (!t.empty() && t.front() == '[') {
    auto close = t.find(']');
    if (close == std::string_view::npos || close + 1 >= t.size() || t[close + 1] != ':')
      return std::nullopt;
    host = t.substr(0, close + 1);
    port = t.substr(close + 2);
  } else {
    auto colon = t.rfind(':');
    if (colon == std::string_view::npos)
      return std::nullopt; // RFC 9110 §9.3.6: the port is required
    host = t.substr(0, colon);
    port = t.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return std::nullopt; // an IPv6 literal without brackets
  }
  for (char ch : host) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || std::string_view{"/?#@"}.find(ch) != std::string_view::npos)
      return std::nullopt;
  }
  auto p = parse_port(port);
  if (!p)
    return std::nullopt;
  return make_destination(host, *p);
}

std::string_view reason_phrase(http_status s) noexcept {
  switch (s) {
    case http_status::ok:
      return "Connection established";
    case http_status::bad_request:
      return "Bad Request";
    case http_status::forbidden:
      return "Forbidden";
    case http_status::method_not_allowed:
      return "Method Not Allowed";
    case http_status::proxy_auth_required:
      return "Proxy Authentication Required";
    case http_status::header_fields_too_large:
      return "Request Header Fields Too Large";
    case http_status::bad_gateway:
      return "Bad Gateway";
    case http_status::gateway_timeout:
      return "Gateway Timeout";
    case http_status::version_not_supported:
      return "HTTP Version Not Supported";
  }
  return "Error";
}

} // namespace

protocol detect_protocol(std::uint8_t first_byte) noexcept {
  if (first_byte == 0x05)
    return protocol::socks5;
  if (first_byte == 0x04)
    return protocol::socks4;
  return protocol::http;
}

byte_buffer make_http_response(http_status status) {
  std::string head = "HTTP/1.1 " + std::to_string(static_cast<unsigned>(status)) + " ";
  head += reason_phrase(status);
  head += "\r\n";
  if (status != http_status::ok) {
    if (status == http_status::proxy_auth_required)
      head += "Proxy-Authenticate: Basic realm=\"tsnode\"\r\n";
    if (status == http_status::method_not_allowed)
      head += "Allow: CONNECT\r\n";
    head += "Content-Length: 0\r\nConnection: close\r\n";
  }
  head += "\r\n";
  return byte_buffer(head.begin(), head.end());
}

http_status to_http_status(dial_error e) noexcept {
  switch (e) {
    case dial_error::timeout:
      return http_status::gateway_timeout;
    case dial_error::policy:
      return http_status::forbidden;
    default:
      return http_status::bad_gateway;
  }
}

std::string_view to_string(http_state x) noexcept {
  switch (x) {
    case http_state::request_line:
      return "request_line";
    case http_state::headers:
      return "headers";
    case http_state::connecting:
      return "connecting";
    case http_state::established:
      return "established";
    case http_state::closed:
      return "closed";
  }
  return "unknown";
}

http_connect_session::http_connect_session(credential_check check, std::size_t max_head_size)
  : check_(std::move(check))
  , max_head_size_(max_head_size) {
  // nop
}

action http_connect_session::on_bytes(byte_view in) {
  switch (state_) {
    case http_state::connecting:
    case http_state::established:
      if (in.empty())
        return need_more{};
      return payload{byte_buffer(in.begin(), in.end())};
    case http_state::closed:
      return close_with{{}, closed_reason_};
    default:
      break;
  }
  buf_.insert(buf_.end(), in.begin(), in.end());
  for (;;) {
    auto begin = buf_.begin() + static_cast<std::ptrdiff_t>(scan_);
    auto nl = std::find(begin, buf_.end(), std::uint8_t{'\n'});
    if (nl == buf_.end()) {
      scan_ = buf_.size();
      if (head_size_ + (buf_.size() - pos_) > max_head_size_)
        return close(http_errc::headers_too_large, http_status::header_fields_too_large);
      return need_more{};
    }
    auto end = static_cast<std::size_t>(nl - buf_.begin()) + 1;
    if (head_size_ + (end - pos_) > max_head_size_)
      return close(http_errc::headers_too_large, http_status::header_fields_too_large);
    head_size_ += end - pos_;
    std::string_view line{reinterpret_cast<const char*>(buf_.data()) + pos_, end - 1 - pos_};
    // RFC 9112 §2.2: a recipient may accept a bare LF as a line terminator, ignoring a CR before.
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    pos_ = scan_ = end;
    if (state_ == http_state::request_line) {
      // RFC 9112 §2.2: ignore empty lines before the request line (bounded by the head limit).
      if (!line.empty())
        on_request_line(line);
    } else if (line.empty()) {
      return finish_head();
    } else {
      on_header_line(line);
    }
  }
}

action http_connect_session::on_connected() {
  if (state_ != http_state::connecting)
    return close(http_errc::out_of_order, http_status::bad_gateway);
  state_ = http_state::established;
  return reply{make_http_response(http_status::ok)};
}

action http_connect_session::on_dial_failed(dial_error e) {
  if (state_ != http_state::connecting)
    return close(http_errc::out_of_order, http_status::bad_gateway);
  return close(http_errc::dial_failed, to_http_status(e));
}

action http_connect_session::close(http_errc why, http_status status) {
  state_ = http_state::closed;
  closed_reason_ = why;
  buf_.clear();
  buf_.shrink_to_fit();
  pos_ = scan_ = 0;
  return close_with{make_http_response(status), why};
}

void http_connect_session::fail(http_errc why, http_status status) noexcept {
  // The first problem found is the one answered.
  if (has_error_)
    return;
  has_error_ = true;
  error_ = why;
  error_status_ = status;
}

void http_connect_session::on_request_line(std::string_view line) {
  state_ = http_state::headers;
  // RFC 9112 §3: request-line = method SP request-target SP HTTP-version, single spaces.
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || has_ctl(line)) {
    fail(http_errc::malformed_request, http_status::bad_request);
    return;
  }
  auto method = line.substr(0, sp1);
  auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto version = line.substr(sp2 + 1);
  if (!is_token(method) || target.empty() || version.find(' ') != std::string_view::npos) {
    fail(http_errc::malformed_request, http_status::bad_request);
    return;
  }
  // RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive.
  bool well_formed_version = version.size() == 8 && version.substr(0, 5) == "HTTP/"
                             && version[5] >= '0' && version[5] <= '9' && version[6] == '.'
                             && version[7] >= '0' && version[7] <= '9';
  if (!well_formed_version) {
    fail(http_errc::malformed_request, http_status::bad_request);
    return;
  }
  // RFC 9110 §9.1: method names are case-sensitive; only CONNECT is served here.
  if (method != "CONNECT") {
    fail(http_errc::method_not_allowed, http_status::method_not_allowed);
    return;
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    fail(http_errc::version_not_supported, http_status::version_not_supported);
    return;
  }
  auto dst = parse_authority(target);
  if (!dst) {
    fail(http_errc::bad_target, http_status::bad_request);
    return;
  }
  target_ = std::move(*dst);
}

void http_connect_session::on_header_line(std::string_view line) {
  // RFC 9112 §5.2: obs-fold (a line starting with whitespace) may be rejected with 400.
  if (line.front() == ' ' || line.front() == '\t') {
    fail(http_errc::malformed_request, http_status::bad_request);
    return;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    fail(http_errc::malformed_request, http_status::bad_request);
    return;
  }
  auto name = line.substr(0, colon);
  auto value = trim_ows(line.substr(colon + 1));
  // RFC 9112 §5.1: no whitespace between the field name and the colon; the name is a token.
  if (!is_token(name) || has_ctl(value)) {
    fail(http_errc::malformed_request, http_status::bad_request);
    return;
  }
  if (!iequals(name, "Proxy-Authorization"))
    return; // every other field is irrelevant to a CONNECT tunnel
  if (has_auth_) {
    // Two credentials make the request ambiguous.
    fail(http_errc::malformed_request, http_status::bad_request);
    return;
  }
  has_auth_ = true;
  // RFC 7617 §2: credentials = "Basic" 1*SP base64(user-id ":" password); the scheme is
  // case-insensitive, and the user-id cannot contain a colon, so the first colon splits.
  auto sp = value.find(' ');
  if (sp == std::string_view::npos || !iequals(value.substr(0, sp), "Basic"))
    return;
  auto token = trim_ows(value.substr(sp + 1));
  auto decoded = base64_decode(token);
  if (!decoded)
    return;
  auto split = decoded->find(':');
  if (split != std::string::npos && split + 1 < decoded->size() && check_) {
    std::string_view both{*decoded};
    auth_ok_ = check_(both.substr(0, split), both.substr(split + 1));
  }
  // The decoded form holds the password: overwrite it before it is freed.
  volatile char* p = decoded->data();
  for (std::size_t i = 0; i < decoded->size(); ++i)
    p[i] = 0;
}

action http_connect_session::finish_head() {
  if (has_error_)
    return close(error_, error_status_);
  if (!has_auth_)
    return close(http_errc::auth_required, http_status::proxy_auth_required);
  if (!auth_ok_)
    return close(http_errc::auth_failed, http_status::proxy_auth_required);
  state_ = http_state::connecting;
  // Bytes after the empty line are the start of the tunnel (RFC 9110 §9.3.6).
  byte_buffer rest(buf_.begin() + static_cast<std::ptrdiff_t>(pos_), buf_.end());
  buf_.clear();
  buf_.shrink_to_fit();
  pos_ = scan_ = 0;
  return connect_request{std::move(target_), std::move(rest)};
}

} // namespace tsnode::proxy
