#include "wireguard/address.hpp"

#include <algorithm>
#include <cstdio>

namespace tsnode::wireguard {

namespace {

/// Parses a decimal number up to `max` with no sign, no leading '+' and at least one digit.
std::optional<unsigned> parse_decimal(std::string_view s, unsigned max) noexcept {
  if (s.empty() || s.size() > 5)
    return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > max)
    return std::nullopt;
  return v;
}

std::optional<byte_array<4>> parse_quad(std::string_view s) noexcept {
  byte_array<4> out{};
  for (int i = 0; i < 4; ++i) {
    auto dot = s.find('.');
    if ((i < 3) == (dot == std::string_view::npos))
      return std::nullopt;
    auto part = s.substr(0, dot);
    // No leading zeros ("010" is octal to some parsers): reject rather than guess.
    if (part.size() > 3 || (part.size() > 1 && part[0] == '0'))
      return std::nullopt;
    auto v = parse_decimal(part, 255);
    if (!v)
      return std::nullopt;
    out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(*v);
    s = i < 3 ? s.substr(dot + 1) : std::string_view{};
  }
  return out;
}

std::optional<unsigned> parse_hex16(std::string_view s) noexcept {
  if (s.empty() || s.size() > 4)
    return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    unsigned d;
    if (c >= '0' && c <= '9')
      d = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = static_cast<unsigned>(c - 'A' + 10);
    else
      return std::nullopt;
    v = v * 16 + d;
  }
  return v;
}

/// Parses colon-separated groups (with an optional trailing dotted quad in the last position
/// when `allow_quad`) into `out`; returns the number of 16-bit groups or nullopt.
std::optional<std::size_t> parse_groups(std::string_view s, std::uint16_t* out, std::size_t max,
                                        bool allow_quad) noexcept {
  std::size_t n = 0;
  if (s.empty())
    return 0;
  for (;;) {
    auto colon = s.find(':');
    auto part = s.substr(0, colon);
    if (colon == std::string_view::npos && allow_quad && part.find('.') != std::string_view::npos) {
      auto q = parse_quad(part);
      if (!q || n + 2 > max)
        return std::nullopt;
      out[n++] = static_cast<std::uint16_t>(((*q)[0] << 8) | (*q)[1]);
      out[n++] = static_cast<std::uint16_t>(((*q)[2] << 8) | (*q)[3]);
      return n;
    }
    auto v = parse_hex16(part);
    if (!v || n >= max)
      return std::nullopt;
    out[n++] = static_cast<std::uint16_t>(*v);
    if (colon == std::string_view::npos)
      return n;
    s = s.substr(colon + 1);
  }
}

std::optional<byte_array<16>> parse_v6(std::string_view s) noexcept {
  std::uint16_t head[8] = {};
  std::uint16_t tail[8] = {};
  std::size_t nh = 0;
  std::size_t nt = 0;
  auto gap = s.find("::");
  if (gap == std::string_view::npos) {
    auto n = parse_groups(s, head, 8, true);
    if (!n || *n != 8)
      return std::nullopt;
    nh = 8;
  } else {
    auto left = s.substr(0, gap);
    auto right = s.substr(gap + 2);
    if (right.find("::") != std::string_view::npos)
      return std::nullopt;
    auto a = parse_groups(left, head, 8, false);
    auto b = parse_groups(right, tail, 8, true);
    if (!a || !b || *a + *b > 7)
      return std::nullopt;
    nh = *a;
    nt = *b;
  }
  byte_array<16> out{};
  for (std::size_t i = 0; i < nh; ++i)
    store_be16(out.data() + 2 * i, head[i]);
  for (std::size_t i = 0; i < nt; ++i)
    store_be16(out.data() + 2 * (8 - nt + i), tail[i]);
  return out;
}

} // namespace

// -- ip_address --------------------------------------------------------------------------------

ip_address ip_address::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept {
  ip_address out;
  out.bytes[0] = a;
  out.bytes[1] = b;
  out.bytes[2] = c;
  out.bytes[3] = d;
  return out;
}

ip_address ip_address::v4_from(const std::uint8_t* p) noexcept {
  return v4(p[0], p[1], p[2], p[3]);
}

ip_address ip_address::v6_from(const std::uint8_t* p) noexcept {
  ip_address out;
  out.family = ip_family::v6;
  std::copy_n(p, 16, out.bytes.data());
  return out;
}

std::optional<ip_address> ip_address::parse(std::string_view text) noexcept {
  if (text.find(':') == std::string_view::npos) {
    auto q = parse_quad(text);
    if (!q)
      return std::nullopt;
    return v4_from(q->data());
  }
  auto b = parse_v6(text);
  if (!b)
    return std::nullopt;
  return v6_from(b->data());
}

std::string ip_address::to_string() const {
  char buf[64];
  if (family == ip_family::v4) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
    return buf;
  }
  // RFC 5952 §4.2: compress the longest run (leftmost on ties) of two or more zero groups.
  std::uint16_t g[8];
  for (std::size_t i = 0; i < 8; ++i)
    g[i] = load_be16(bytes.data() + 2 * i);
  int best = -1;
  int best_len = 1;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0)
      ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':')
      out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[i]);
    out += buf;
  }
  return out;
}

// -- ip_prefix ---------------------------------------------------------------------------------

std::optional<ip_prefix> ip_prefix::make(const ip_address& a, std::uint8_t bits) noexcept {
  if (bits > a.bit_width())
    return std::nullopt;
  ip_prefix p{a, bits};
  for (std::size_t i = 0; i < 16; ++i) {
    const std::size_t first_bit = 8 * i;
    if (first_bit >= bits)
      p.address.bytes[i] = 0;
    else if (first_bit + 8 > bits)
      p.address.bytes[i] &= static_cast<std::uint8_t>(0xff << (8 - (bits - first_bit)));
  }
  return p;
}

std::optional<ip_prefix> ip_prefix::parse(std::string_view text) noexcept {
  auto slash = text.find('/');
  auto a = ip_address::parse(text.substr(0, slash));
  if (!a)
    return std::nullopt;
  if (slash == std::string_view::npos)
    return make(*a, a->bit_width());
  auto bits = parse_decimal(text.substr(slash + 1), 128);
  if (!bits)
    return std::nullopt;
  return make(*a, static_cast<std::uint8_t>(*bits));
}

bool ip_prefix::contains(const ip_address& a) const noexcept {
  if (a.family != address.family)
    return false;
  auto masked = make(a, bits);
  return masked && masked->address == address;
}

std::string ip_prefix::to_string() const {
  return address.to_string() + "/" + std::to_string(bits);
}

// -- udp_address -------------------------------------------------------------------------------

std::optional<udp_address> udp_address::parse(std::string_view text) noexcept {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (host.find(':') == std::string_view::npos)
      return std::nullopt;
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return std::nullopt; // IPv6 needs brackets
  }
  auto ip = ip_address::parse(host);
  auto p = parse_decimal(port, 65535);
  if (!ip || !p)
    return std::nullopt;
  return udp_address{*ip, static_cast<std::uint16_t>(*p)};
}

std::string udp_address::to_string() const {
  std::string out;
  const bool v6 = ip.family == ip_family::v6;
  if (v6)
    out.push_back('[');
  out.append(ip.to_string());
  if (v6)
    out.push_back(']');
  out.push_back(':');
  out.append(std::to_string(port));
  return out;
}

udp_address::cookie_bytes udp_address::cookie_source() const noexcept {
  cookie_bytes out;
  auto v = ip.view();
  std::copy(v.begin(), v.end(), out.bytes.begin());
  store_be16(out.bytes.data() + v.size(), port);
  out.size = v.size() + 2;
  return out;
}

} // namespace tsnode::wireguard
