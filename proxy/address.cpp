#include "proxy/address.hpp"

namespace tsnode::proxy {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Dotted quad, strictly: four decimal parts of 1..3 digits, each <= 255, no leading zeros (a
// leading zero means octal to inet_aton, so refusing it avoids two readings of one string).
std::optional<std::array<std::uint8_t, 4>> parse_v4(std::string_view s) noexcept {
  std::array<std::uint8_t, 4> out{};
  std::size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.')
        return std::nullopt;
      ++i;
    }
    std::size_t start = i;
    unsigned value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
      value = value * 10 + static_cast<unsigned>(s[i] - '0');
      ++i;
    }
    std::size_t digits = i - start;
    if (digits == 0 || value > 255 || (digits > 1 && s[start] == '0'))
      return std::nullopt;
    out[static_cast<std::size_t>(part)] = static_cast<std::uint8_t>(value);
  }
  if (i != s.size())
    return std::nullopt;
  return out;
}

// RFC 4291 §2.2: eight groups of 1..4 hex digits, one `::` for one or more zero groups, and an
// optional dotted-quad tail in place of the last two groups.
std::optional<std::array<std::uint8_t, 16>> parse_v6(std::string_view s) noexcept {
  // The longest form is "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" (45 characters).
  if (s.size() < 2 || s.size() > 45)
    return std::nullopt;
  std::array<std::uint16_t, 8> head{}, tail{};
  std::size_t nhead = 0, ntail = 0;
  bool compressed = false;
  std::size_t i = 0;
  auto push = [&](std::uint16_t g) {
    if (nhead + ntail >= 8)
      return false;
    if (compressed)
      tail[ntail++] = g;
    else
      head[nhead++] = g;
    return true;
  };
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
  } else if (s[0] == ':') {
    return std::nullopt;
  }
  while (i < s.size()) {
    std::size_t j = s.find(':', i);
    if (j == std::string_view::npos)
      j = s.size();
    auto token = s.substr(i, j - i);
    if (token.find('.') != std::string_view::npos) {
      // The IPv4 tail must be last and fills two groups.
      if (j != s.size())
        return std::nullopt;
      auto v4 = parse_v4(token);
      if (!v4)
        return std::nullopt;
      if (!push(static_cast<std::uint16_t>(((*v4)[0] << 8) | (*v4)[1]))
          || !push(static_cast<std::uint16_t>(((*v4)[2] << 8) | (*v4)[3])))
        return std::nullopt;
      break;
    }
    if (token.empty() || token.size() > 4)
      return std::nullopt;
    unsigned g = 0;
    for (char c : token) {
      int v = hex_value(c);
      if (v < 0)
        return std::nullopt;
      g = (g << 4) | static_cast<unsigned>(v);
    }
    if (!push(static_cast<std::uint16_t>(g)))
      return std::nullopt;
    if (j == s.size())
      break;
    if (j + 1 < s.size() && s[j + 1] == ':') {
      if (compressed)
        return std::nullopt; // a second `::`
      compressed = true;
      i = j + 2;
    } else {
      i = j + 1;
      if (i == s.size())
        return std::nullopt; // a trailing single ':'
    }
  }
  std::size_t total = nhead + ntail;
  if (compressed ? total > 7 : total != 8)
    return std::nullopt;
  std::array<std::uint16_t, 8> groups{};
  for (std::size_t k = 0; k < nhead; ++k)
    groups[k] = head[k];
  for (std::size_t k = 0; k < ntail; ++k)
    groups[8 - ntail + k] = tail[k];
  std::array<std::uint8_t, 16> out{};
  for (std::size_t k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<std::uint8_t>(groups[k] >> 8);
    out[2 * k + 1] = static_cast<std::uint8_t>(groups[k]);
  }
  return out;
}

void append_v4(std::string& out, const std::uint8_t* b) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0)
      out.push_back('.');
    out += std::to_string(b[i]);
  }
}

bool is_mapped_v4(const std::array<std::uint8_t, 16>& b) noexcept {
  for (int i = 0; i < 10; ++i)
    if (b[static_cast<std::size_t>(i)] != 0)
      return false;
  return b[10] == 0xff && b[11] == 0xff;
}

} // namespace

std::optional<ip_address> ip_address::parse(std::string_view text) noexcept {
  if (auto v4 = parse_v4(text))
    return ip_address::v4(*v4);
  if (auto v6 = parse_v6(text))
    return ip_address::v6(*v6);
  return std::nullopt;
}

bool ip_address::is_unspecified() const noexcept {
  for (auto b : bytes())
    if (b != 0)
      return false;
  return true;
}

bool ip_address::is_loopback() const noexcept {
  if (is_v4())
    return bytes_[0] == 127;
  for (std::size_t i = 0; i < 15; ++i)
    if (bytes_[i] != 0)
      return false;
  return bytes_[15] == 1;
}

ip_address ip_address::unmapped() const noexcept {
  if (is_v4() || !is_mapped_v4(bytes_))
    return *this;
  return v4(bytes_[12], bytes_[13], bytes_[14], bytes_[15]);
}

std::string ip_address::to_string() const {
  std::string out;
  if (is_v4()) {
    append_v4(out, bytes_.data());
    return out;
  }
  // RFC 5952 §5: IPv4-mapped addresses print their IPv4 part as a dotted quad.
  if (is_mapped_v4(bytes_)) {
    out = "::ffff:";
    append_v4(out, bytes_.data() + 12);
    return out;
  }
  std::array<unsigned, 8> g{};
  for (std::size_t k = 0; k < 8; ++k)
    g[k] = (unsigned{bytes_[2 * k]} << 8) | bytes_[2 * k + 1];
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first one on a tie.
  int best = -1, best_len = 1;
  for (int k = 0; k < 8;) {
    if (g[static_cast<std::size_t>(k)] != 0) {
      ++k;
      continue;
    }
    int start = k;
    while (k < 8 && g[static_cast<std::size_t>(k)] == 0)
      ++k;
    if (k - start > best_len) {
      best = start;
      best_len = k - start;
    }
  }
  static constexpr char digits[] = "0123456789abcdef";
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (k > 0 && k != best + best_len)
      out.push_back(':');
    // RFC 5952 §4.1: no leading zeros; §4.3: lowercase.
    unsigned v = g[static_cast<std::size_t>(k)];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned nib = (v >> shift) & 0xf;
      if (nib != 0 || started || shift == 0) {
        out.push_back(digits[nib]);
        started = true;
      }
    }
  }
  return out;
}

std::string destination::to_string() const {
  std::string out;
  if (ip && !ip->is_v4())
    out = "[" + host + "]";
  else
    out = host;
  out.push_back(':');
  out += std::to_string(port);
  return out;
}

destination make_destination(const ip_address& ip, std::uint16_t port) {
  destination d;
  d.atyp = ip.is_v4() ? address_type::ipv4 : address_type::ipv6;
  d.host = ip.to_string();
  d.ip = ip;
  d.port = port;
  return d;
}

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1fu;
      min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0fu;
      min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07u;
      min = 0x10000;
    } else {
      return false;
    }
    if (text.size() - i < len)
      return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

std::optional<destination> make_destination(std::string_view text, std::uint16_t port) {
  if (text.empty() || text.size() > max_name_size)
    return std::nullopt;
  destination d;
  d.atyp = address_type::domain;
  d.port = port;
  // RFC 3986 §3.2.2: brackets hold an IPv6 literal and nothing else.
  if (text.front() == '[' || text.back() == ']') {
    if (text.size() < 2 || text.front() != '[' || text.back() != ']')
      return std::nullopt;
    auto ip = ip_address::parse(text.substr(1, text.size() - 2));
    if (!ip || ip->is_v4())
      return std::nullopt;
    d.ip = *ip;
    d.host = ip->to_string();
    return d;
  }
  if (auto ip = ip_address::parse(text)) {
    d.ip = *ip;
    d.host = ip->to_string();
    return d;
  }
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    // Control characters, space and DEL are never part of a host name, and a NUL would cut the
    // name short in any C API further down.
    if (c <= 0x20 || c == 0x7f)
      return std::nullopt;
  }
  if (!is_valid_utf8(text))
    return std::nullopt;
  d.host = std::string{text};
  return d;
}

} // namespace tsnode::proxy
