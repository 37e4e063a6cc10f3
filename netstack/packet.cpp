#include "netstack/packet.hpp"

#include <cstring>

namespace tsnode::netstack {

namespace {

std::uint16_t be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
std::uint32_t be32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
void put16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) noexcept {
  put16(p, static_cast<std::uint16_t>(v >> 16));
  put16(p + 2, static_cast<std::uint16_t>(v));
}

/// Returns the pseudo-header sum of RFC 793 §3.1 / RFC 8200 §8.1.
std::uint32_t pseudo_header(const ip_address& src, const ip_address& dst, std::uint8_t proto,
                            std::size_t len) noexcept {
  std::uint32_t sum = checksum_add({src.bytes.data(), src.size()});
  sum = checksum_add({dst.bytes.data(), dst.size()}, sum);
  sum += proto;
  sum += static_cast<std::uint32_t>(len >> 16) + static_cast<std::uint32_t>(len & 0xFFFF);
  return sum;
}

/// Returns a packet with an IP header for `proto` and room for `len` payload bytes.
std::vector<std::uint8_t> ip_packet(const ip_address& src, const ip_address& dst,
                                    std::uint8_t proto, std::size_t len) {
  std::vector<std::uint8_t> out;
  if (src.v6) {
    out.assign(40 + len, 0);
    out[0] = 0x60;
    put16(out.data() + 4, static_cast<std::uint16_t>(len));
    out[6] = proto;
    out[7] = 64;
    std::memcpy(out.data() + 8, src.bytes.data(), 16);
    std::memcpy(out.data() + 24, dst.bytes.data(), 16);
  } else {
    out.assign(20 + len, 0);
    out[0] = 0x45;
    put16(out.data() + 2, static_cast<std::uint16_t>(20 + len));
    out[8] = 64;
    out[9] = proto;
    std::memcpy(out.data() + 12, src.bytes.data(), 4);
    std::memcpy(out.data() + 16, dst.bytes.data(), 4);
    put16(out.data() + 10, checksum_finish(checksum_add({out.data(), 20})));
  }
  return out;
}

} // namespace

namespace {

std::optional<ip_view> parse_ip_impl(std::span<const std::uint8_t> packet, bool quoted) noexcept {
  if (packet.empty())
    return std::nullopt;
  ip_view v;
  switch (packet[0] >> 4) {
    case 4: {
      if (packet.size() < 20)
        return std::nullopt;
      std::size_t ihl = (packet[0] & 0x0f) * 4u;
      std::size_t total = be16(packet.data() + 2);
      if (ihl < 20 || total < ihl || ihl > packet.size())
        return std::nullopt;
      if (total > packet.size()) {
        if (!quoted)
          return std::nullopt;
        total = packet.size();
      }
      v.protocol = packet[9];
      std::memcpy(v.src.bytes.data(), packet.data() + 12, 4);
      std::memcpy(v.dst.bytes.data(), packet.data() + 16, 4);
      v.payload = packet.subspan(ihl, total - ihl);
      v.total_length = total;
      return v;
    }
    case 6: {
      if (packet.size() < 40)
        return std::nullopt;
      std::size_t total = 40u + be16(packet.data() + 4);
      if (total > packet.size()) {
        if (!quoted)
          return std::nullopt;
        total = packet.size();
      }
      v.src.v6 = v.dst.v6 = true;
      v.protocol = packet[6];
      std::memcpy(v.src.bytes.data(), packet.data() + 8, 16);
      std::memcpy(v.dst.bytes.data(), packet.data() + 24, 16);
      v.payload = packet.subspan(40, total - 40);
      v.total_length = total;
      return v;
    }
    default:
      return std::nullopt;
  }
}

} // namespace

std::optional<ip_view> parse_ip(std::span<const std::uint8_t> packet) noexcept {
  return parse_ip_impl(packet, false);
}

std::optional<ip_view> parse_ip_quoted(std::span<const std::uint8_t> packet) noexcept {
  return parse_ip_impl(packet, true);
}

std::optional<tcp_view> parse_tcp(std::span<const std::uint8_t> p) noexcept {
  if (p.size() < 20)
    return std::nullopt;
  std::size_t off = (p[12] >> 4) * 4u;
  if (off < 20 || off > p.size())
    return std::nullopt;
  tcp_view v;
  v.src_port = be16(p.data());
  v.dst_port = be16(p.data() + 2);
  v.seq = be32(p.data() + 4);
  v.ack = be32(p.data() + 8);
  v.flags = p[13];
  v.window = be16(p.data() + 14);
  v.options = p.subspan(20, off - 20);
  v.payload = p.subspan(off);
  return v;
}

namespace {

/// Returns the body of TCP option `kind` (RFC 793 §3.1 option layout), or an empty span.
std::optional<std::span<const std::uint8_t>> find_option(std::span<const std::uint8_t> o,
                                                         std::uint8_t kind) noexcept {
  std::size_t i = 0;
  while (i < o.size()) {
    if (o[i] == 0)
      break;
    if (o[i] == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= o.size() || o[i + 1] < 2 || i + o[i + 1] > o.size())
      break;
    if (o[i] == kind)
      return o.subspan(i + 2, o[i + 1] - 2u);
    i += o[i + 1];
  }
  return std::nullopt;
}

} // namespace

std::optional<std::uint16_t> tcp_view::mss() const noexcept {
  auto b = find_option(options, 2);
  if (!b || b->size() != 2)
    return std::nullopt;
  return be16(b->data());
}

std::optional<std::uint8_t> tcp_view::window_scale() const noexcept {
  auto b = find_option(options, 3);
  if (!b || b->size() != 1)
    return std::nullopt;
  return (*b)[0];
}

bool tcp_view::sack_permitted() const noexcept {
  return find_option(options, 4).has_value();
}

std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum) noexcept {
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2)
    sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  if (i < data.size())
    sum += static_cast<std::uint32_t>(data[i] << 8);
  while (sum >> 16)
    sum = (sum & 0xFFFF) + (sum >> 16);
  return sum;
}

std::uint16_t checksum_finish(std::uint32_t sum) noexcept {
  while (sum >> 16)
    sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

std::vector<std::uint8_t> build_tcp(const tcp_segment& s) {
  std::size_t opt_len = (s.options.size() + 3) / 4 * 4;
  std::size_t tcp_len = 20 + opt_len + s.payload.size();
  auto out = ip_packet(s.src, s.dst, proto_tcp, tcp_len);
  std::uint8_t* t = out.data() + (s.src.v6 ? 40 : 20);
  put16(t, s.src_port);
  put16(t + 2, s.dst_port);
  put32(t + 4, s.seq);
  put32(t + 8, s.ack);
  t[12] = static_cast<std::uint8_t>((20 + opt_len) / 4 << 4);
  t[13] = s.flags;
  put16(t + 14, s.window);
  if (!s.options.empty())
    std::memcpy(t + 20, s.options.data(), s.options.size());
  if (!s.payload.empty())
    std::memcpy(t + 20 + opt_len, s.payload.data(), s.payload.size());
  auto sum = pseudo_header(s.src, s.dst, proto_tcp, tcp_len);
  put16(t + 16, checksum_finish(checksum_add({t, tcp_len}, sum)));
  return out;
}

std::vector<std::uint8_t> build_udp(const ip_address& src, std::uint16_t src_port,
                                    const ip_address& dst, std::uint16_t dst_port,
                                    std::span<const std::uint8_t> payload) {
  std::size_t udp_len = 8 + payload.size();
  auto out = ip_packet(src, dst, proto_udp, udp_len);
  std::uint8_t* u = out.data() + (src.v6 ? 40 : 20);
  put16(u, src_port);
  put16(u + 2, dst_port);
  put16(u + 4, static_cast<std::uint16_t>(udp_len));
  if (!payload.empty())
    std::memcpy(u + 8, payload.data(), payload.size());
  auto sum = pseudo_header(src, dst, proto_udp, udp_len);
  auto c = checksum_finish(checksum_add({u, udp_len}, sum));
  put16(u + 6, c == 0 ? 0xFFFF : c); // RFC 768: a computed zero is sent as all ones
  return out;
}

std::optional<udp_view> parse_udp(std::span<const std::uint8_t> p) noexcept {
  if (p.size() < 8)
    return std::nullopt;
  std::size_t len = be16(p.data() + 4);
  if (len < 8 || len > p.size())
    return std::nullopt;
  return udp_view{be16(p.data()), be16(p.data() + 2), p.subspan(8, len - 8)};
}

} // namespace tsnode::netstack
