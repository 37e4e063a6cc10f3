#include "proxy/udp_relay.hpp"

#include <algorithm>
#include <string_view>

namespace tsnode::proxy {

namespace {

void append_port(byte_buffer& out, std::uint16_t port) {
  out.push_back(static_cast<std::uint8_t>(port >> 8));
  out.push_back(static_cast<std::uint8_t>(port));
}

} // namespace

std::variant<udp_datagram, udp_errc> parse_udp_datagram(byte_view in, std::size_t max_payload) {
  if (in.size() < udp_header_fixed_size)
    return udp_errc::too_short;
  // RFC 1928 §7: "An implementation that does not support fragmentation MUST drop any datagram
  // whose FRAG field is other than X'00'."
  if (in[2] != 0)
    return udp_errc::fragmented;
  std::size_t addr_off = udp_header_fixed_size;
  std::size_t addr_len = 0;
  auto atyp = static_cast<address_type>(in[3]);
  switch (atyp) {
    case address_type::ipv4:
      addr_len = 4;
      break;
    case address_type::ipv6:
      addr_len = 16;
      break;
    case address_type::domain:
      if (in.size() < udp_header_fixed_size + 1)
        return udp_errc::too_short;
      addr_len = in[4];
      addr_off += 1;
      break;
    default:
      return udp_errc::address_type_not_supported;
  }
  std::size_t header = addr_off + addr_len + 2;
  if (in.size() < header)
    return udp_errc::too_short;
  auto port
    = static_cast<std::uint16_t>((in[addr_off + addr_len] << 8) | in[addr_off + addr_len + 1]);
  udp_datagram out;
  if (atyp == address_type::ipv4) {
    out.dst = make_destination(ip_address::v4(in[4], in[5], in[6], in[7]), port);
  } else if (atyp == address_type::ipv6) {
    std::array<std::uint8_t, 16> b{};
    std::copy(in.begin() + 4, in.begin() + 20, b.begin());
    out.dst = make_destination(ip_address::v6(b), port);
  } else {
    auto named = make_destination(
      std::string_view{reinterpret_cast<const char*>(in.data()) + addr_off, addr_len}, port);
    if (!named)
      return udp_errc::bad_domain;
    out.dst = std::move(*named);
  }
  out.data = in.subspan(header);
  if (out.data.size() > max_payload)
    return udp_errc::too_large;
  return out;
}

byte_buffer build_udp_datagram(const ip_address& src, std::uint16_t src_port, byte_view data) {
  byte_buffer out;
  out.reserve((src.is_v4() ? udp_header_v4_size : udp_header_v6_size) + data.size());
  out.push_back(0); // RSV
  out.push_back(0); // RSV
  out.push_back(0); // FRAG
  out.push_back(static_cast<std::uint8_t>(src.is_v4() ? address_type::ipv4 : address_type::ipv6));
  auto addr = src.bytes();
  out.insert(out.end(), addr.begin(), addr.end());
  append_port(out, src_port);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::variant<byte_buffer, udp_errc> build_udp_datagram(const destination& dst, byte_view data) {
  // An IP given as a name (ATYP 3 with a literal) is written in its binary form.
  if (dst.ip)
    return build_udp_datagram(*dst.ip, dst.port, data);
  if (dst.host.empty() || dst.host.size() > max_name_size)
    return udp_errc::bad_domain;
  byte_buffer out;
  out.reserve(udp_header_fixed_size + 1 + dst.host.size() + 2 + data.size());
  out.insert(out.end(), {0, 0, 0, static_cast<std::uint8_t>(address_type::domain)});
  out.push_back(static_cast<std::uint8_t>(dst.host.size()));
  out.insert(out.end(), dst.host.begin(), dst.host.end());
  append_port(out, dst.port);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

udp_client_filter::udp_client_filter(const ip_address& client, std::uint16_t requested_port)
  : client_(client.unmapped()) {
  if (requested_port != 0)
    port_ = requested_port;
}

bool udp_client_filter::accept(const ip_address& src, std::uint16_t src_port) noexcept {
  if (src.unmapped() != client_)
    return false;
  if (!port_) {
    port_ = src_port; // RFC 1928 §7: an all-zero DST means "not known yet"; pin the first
    return true;
  }
  return *port_ == src_port;
}

udp_association::udp_association(const ip_address& client, std::uint16_t requested_port,
                                 std::size_t max_payload)
  : filter_(client, requested_port)
  , max_payload_(max_payload) {
  // nop
}

std::variant<udp_datagram, udp_errc>
udp_association::on_client_datagram(const ip_address& src, std::uint16_t src_port, byte_view in) {
  // Check the source without pinning first, so a malformed first datagram pins nothing.
  if (src.unmapped() != filter_.client()
      || (filter_.client_port() && *filter_.client_port() != src_port))
    return udp_errc::wrong_source;
  auto parsed = parse_udp_datagram(in, max_payload_);
  if (std::holds_alternative<udp_datagram>(parsed))
    filter_.accept(src, src_port);
  return parsed;
}

std::optional<byte_buffer> udp_association::on_overlay_datagram(const ip_address& src,
                                                                std::uint16_t src_port,
                                                                byte_view data) const {
  if (!filter_.client_port() || data.size() > max_payload_)
    return std::nullopt;
  return build_udp_datagram(src, src_port, data);
}

} // namespace tsnode::proxy
