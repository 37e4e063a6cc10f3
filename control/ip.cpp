#include "control/ip.hpp"

#include <array>

namespace tsnode::control {

namespace {

/// Parses a decimal number of at most `max` without sign (and, unless `leading_zeros`, without
/// leading zeros: netip refuses them in addresses and prefix lengths, strconv allows them in
/// ports).
std::optional<unsigned> parse_decimal(std::string_view s, unsigned max,
                                      bool leading_zeros = false) {
  if (s.empty() || s.size() > 5 || (!leading_zeros && s.size() > 1 && s[0] == '0'))
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

bool parse_v4(std::string_view s, std::uint8_t* out) {
  for (int i = 0; i < 4; ++i) {
    auto dot = s.find('.');
    if ((i < 3) != (dot != std::string_view::npos))
      return false;
    auto part = s.substr(0, dot);
    if (part.size() > 3)
      return false;
    auto v = parse_decimal(part, 255);
    if (!v)
      return false;
    out[i] = static_cast<std::uint8_t>(*v);
    if (i < 3)
      s.remove_prefix(dot + 1);
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Parses colon-separated groups (possibly empty input) into `groups`; an IPv4 tail counts as
/// two groups when `allow_v4_tail`. Returns the number of groups or -1.
int parse_groups(std::string_view s, std::uint16_t* groups, int max_groups, bool allow_v4_tail) {
  if (s.empty())
    return 0;
  int n = 0;
  for (;;) {
    auto colon = s.find(':');
    auto part = s.substr(0, colon);
    if (colon == std::string_view::npos && allow_v4_tail && part.find('.') != part.npos) {
      std::uint8_t v4[4];
      if (n + 2 > max_groups || !parse_v4(part, v4))
        return -1;
      groups[n++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      groups[n++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      return n;
    }
    if (part.empty() || part.size() > 4 || n >= max_groups)
      return -1;
    unsigned v = 0;
    for (char c : part) {
      auto d = hex_digit(c);
      if (d < 0)
        return -1;
      v = v << 4 | static_cast<unsigned>(d);
    }
    groups[n++] = static_cast<std::uint16_t>(v);
    if (colon == std::string_view::npos)
      return n;
    s.remove_prefix(colon + 1);
  }
}

bool parse_v6(std::string_view s, std::uint8_t* out) {
  std::array<std::uint16_t, 8> g{};
  auto gap = s.find("::");
  if (gap == std::string_view::npos) {
    if (parse_groups(s, g.data(), 8, true) != 8)
      return false;
  } else {
    auto head = s.substr(0, gap);
    auto tail = s.substr(gap + 2);
    if (tail.find("::") != tail.npos)
      return false;
    std::array<std::uint16_t, 8> h{}, t{};
    int nh = parse_groups(head, h.data(), 7, false);
    int nt = parse_groups(tail, t.data(), 7, true);
    if (nh < 0 || nt < 0 || nh + nt > 7) // `::` stands for at least one zero group
      return false;
    for (int i = 0; i < nh; ++i)
      g[static_cast<std::size_t>(i)] = h[static_cast<std::size_t>(i)];
    for (int i = 0; i < nt; ++i)
      g[static_cast<std::size_t>(8 - nt + i)] = t[static_cast<std::size_t>(i)];
  }
  for (std::size_t i = 0; i < 8; ++i)
    store_be16(out + 2 * i, g[i]);
  return true;
}

} // namespace

std::optional<ip_address> ip_address::parse(std::string_view text) {
  ip_address a;
  if (text.find(':') != text.npos) {
    if (!parse_v6(text, a.bytes.data()))
      return std::nullopt;
    a.v6 = true;
    return a;
  }
  if (!parse_v4(text, a.bytes.data()))
    return std::nullopt;
  return a;
}

std::string ip_address::to_string() const {
  std::string out;
  if (!v6) {
    for (int i = 0; i < 4; ++i) {
      if (i)
        out += '.';
      out += std::to_string(bytes[static_cast<std::size_t>(i)]);
    }
    return out;
  }
  std::array<std::uint16_t, 8> g;
  for (std::size_t i = 0; i < 8; ++i)
    g[i] = load_be16(bytes.data() + 2 * i);
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first on a tie.
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && g[static_cast<std::size_t>(j)] == 0)
      ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  static constexpr char digits[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (i && !(best >= 0 && i == best + best_len))
      out += ':';
    auto v = g[static_cast<std::size_t>(i)];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      auto d = (v >> shift) & 0xf;
      if (d || started || shift == 0) {
        out += digits[d];
        started = true;
      }
    }
  }
  return out;
}

std::optional<ip_prefix> ip_prefix::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == text.npos)
    return std::nullopt;
  auto addr = ip_address::parse(text.substr(0, slash));
  if (!addr)
    return std::nullopt;
  auto bits = parse_decimal(text.substr(slash + 1), static_cast<unsigned>(addr->bit_length()));
  if (!bits)
    return std::nullopt;
  return ip_prefix{*addr, static_cast<std::uint8_t>(*bits)};
}

std::string ip_prefix::to_string() const {
  return addr.to_string() + "/" + std::to_string(bits);
}

bool ip_prefix::contains(const ip_address& a) const noexcept {
  if (a.v6 != addr.v6)
    return false;
  for (unsigned i = 0; i < bits; ++i) {
    unsigned mask = 0x80u >> (i % 8);
    if ((a.bytes[i / 8] & mask) != (addr.bytes[i / 8] & mask))
      return false;
  }
  return true;
}

std::optional<ip_port> ip_port::parse(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == text.npos)
    return std::nullopt;
  auto host = text.substr(0, colon);
  auto port = parse_decimal(text.substr(colon + 1), 65535, true);
  if (!port)
    return std::nullopt;
  std::optional<ip_address> addr;
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 2 || host.back() != ']')
      return std::nullopt;
    host = host.substr(1, host.size() - 2);
    if (auto pct = host.find('%'); pct != host.npos) {
      if (pct + 1 == host.size())
        return std::nullopt;
      host = host.substr(0, pct);
    }
    addr = ip_address::parse(host);
    if (!addr || !addr->v6)
      return std::nullopt;
  } else {
    addr = ip_address::parse(host);
    if (!addr || addr->v6)
      return std::nullopt;
  }
  return ip_port{*addr, static_cast<std::uint16_t>(*port)};
}

std::string ip_port::to_string() const {
  // Appends rather than operator+ on a temporary: GCC 12 warns falsely (-Wrestrict) on the latter.
  std::string out;
  if (addr.v6)
    out += '[';
  out += addr.to_string();
  if (addr.v6)
    out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

} // namespace tsnode::control
