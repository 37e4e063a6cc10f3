#include "wireguard/ip_packet.hpp"

namespace tsnode::wireguard {

std::optional<ip_header_info> parse_ip_header(byte_view packet) noexcept {
  if (packet.empty())
    return std::nullopt;
  const auto* p = packet.data();
  switch (p[0] >> 4) {
    case 4: {
      if (packet.size() < ipv4_header_min)
        return std::nullopt;
      const std::size_t header = static_cast<std::size_t>(p[0] & 0x0f) * 4;
      const std::size_t total = load_be16(p + 2);
      if (header < ipv4_header_min || total < header || total > packet.size())
        return std::nullopt;
      return ip_header_info{ip_address::v4_from(p + 12), ip_address::v4_from(p + 16), total};
    }
    case 6: {
      if (packet.size() < ipv6_header_size)
        return std::nullopt;
      const std::size_t total = ipv6_header_size + load_be16(p + 4);
      if (total > packet.size())
        return std::nullopt;
      return ip_header_info{ip_address::v6_from(p + 8), ip_address::v6_from(p + 24), total};
    }
    default:
      return std::nullopt;
  }
}

} // namespace tsnode::wireguard
