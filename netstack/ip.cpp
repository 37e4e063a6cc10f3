#include "netstack/ip.hpp"

#include <cstring>

extern "C" {
#include "lwip/ip_addr.h"
}

namespace tsnode::netstack {

std::optional<ip_address> ip_address::parse(std::string_view text) {
  if (text.empty() || text.size() > 45)
    return std::nullopt;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  ip_address out;
  if (text.find(':') != std::string_view::npos) {
    ip6_addr_t a;
    if (!ip6addr_aton(buf, &a))
      return std::nullopt;
    out.v6 = true;
    std::memcpy(out.bytes.data(), a.addr, 16);
    return out;
  }
  // lwIP's inet_aton also takes "1", "1.2" and octal/hex forms; an overlay address is always
  // four decimal parts.
  int dots = 0;
  for (char c : text) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      return std::nullopt;
  }
  ip4_addr_t a;
  if (dots != 3 || !ip4addr_aton(buf, &a))
    return std::nullopt;
  std::memcpy(out.bytes.data(), &a.addr, 4);
  return out;
}

ip_address ip_address::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  ip_address out;
  out.bytes[0] = a;
  out.bytes[1] = b;
  out.bytes[2] = c;
  out.bytes[3] = d;
  return out;
}

std::string ip_address::to_string() const {
  char buf[IP6ADDR_STRLEN_MAX];
  if (v6) {
    ip6_addr_t a{};
    std::memcpy(a.addr, bytes.data(), 16);
    std::string out = ip6addr_ntoa_r(&a, buf, sizeof buf);
    for (auto& c : out) // RFC 5952 §4.3: lowercase
      if (c >= 'A' && c <= 'F')
        c = static_cast<char>(c - 'A' + 'a');
    return out;
  }
  ip4_addr_t a;
  std::memcpy(&a.addr, bytes.data(), 4);
  return ip4addr_ntoa_r(&a, buf, sizeof buf);
}

std::optional<ip_prefix> ip_prefix::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = ip_address::parse(text.substr(0, slash));
  if (!addr)
    return std::nullopt;
  unsigned max = addr->v6 ? 128 : 32;
  if (slash == std::string_view::npos)
    return ip_prefix{*addr, static_cast<std::uint8_t>(max)};
  auto len_text = text.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 3)
    return std::nullopt;
  unsigned len = 0;
  for (char c : len_text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    len = len * 10 + static_cast<unsigned>(c - '0');
  }
  if (len > max)
    return std::nullopt;
  return ip_prefix{*addr, static_cast<std::uint8_t>(len)};
}

bool ip_prefix::contains(const ip_address& a) const noexcept {
  if (a.v6 != address.v6)
    return false;
  unsigned full = length / 8, rest = length % 8;
  if (std::memcmp(a.bytes.data(), address.bytes.data(), full) != 0)
    return false;
  if (rest == 0)
    return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == (address.bytes[full] & mask);
}

std::string ip_prefix::to_string() const {
  return address.to_string() + "/" + std::to_string(length);
}

} // namespace tsnode::netstack
