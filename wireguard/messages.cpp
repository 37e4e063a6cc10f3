#include "wireguard/messages.hpp"

#include <algorithm>

namespace tsnode::wireguard {

namespace {

template <std::size_t N>
void read(byte_view in, std::size_t offset, byte_array<N>& out) noexcept {
  std::copy_n(in.data() + offset, N, out.data());
}

template <std::size_t N>
void write(std::uint8_t* out, std::size_t offset, const byte_array<N>& in) noexcept {
  std::copy_n(in.data(), N, out + offset);
}

handshake_initiation parse_initiation(byte_view in) noexcept {
  namespace o = initiation_offset;
  handshake_initiation m;
  m.sender = load_le32(in.data() + o::sender);
  read(in, o::ephemeral, m.ephemeral);
  read(in, o::encrypted_static, m.encrypted_static);
  read(in, o::encrypted_timestamp, m.encrypted_timestamp);
  read(in, o::mac1, m.mac1);
  read(in, o::mac2, m.mac2);
  return m;
}

handshake_response parse_response(byte_view in) noexcept {
  namespace o = response_offset;
  handshake_response m;
  m.sender = load_le32(in.data() + o::sender);
  m.receiver = load_le32(in.data() + o::receiver);
  read(in, o::ephemeral, m.ephemeral);
  read(in, o::encrypted_nothing, m.encrypted_nothing);
  read(in, o::mac1, m.mac1);
  read(in, o::mac2, m.mac2);
  return m;
}

cookie_reply parse_cookie_reply(byte_view in) noexcept {
  namespace o = cookie_reply_offset;
  cookie_reply m;
  m.receiver = load_le32(in.data() + o::receiver);
  read(in, o::nonce, m.nonce);
  read(in, o::encrypted_cookie, m.encrypted_cookie);
  return m;
}

} // namespace

std::variant<message, wg_errc> parse_message(byte_view datagram) noexcept {
  if (datagram.size() < 4)
    return wg_errc::bad_length;
  // The type is a full little-endian word: non-zero reserved bytes make it unknown.
  switch (load_le32(datagram.data())) {
    case static_cast<std::uint32_t>(message_type::handshake_initiation):
      if (datagram.size() != handshake_initiation_size)
        return wg_errc::bad_length;
      return message{parse_initiation(datagram)};
    case static_cast<std::uint32_t>(message_type::handshake_response):
      if (datagram.size() != handshake_response_size)
        return wg_errc::bad_length;
      return message{parse_response(datagram)};
    case static_cast<std::uint32_t>(message_type::cookie_reply):
      if (datagram.size() != cookie_reply_size)
        return wg_errc::bad_length;
      return message{parse_cookie_reply(datagram)};
    case static_cast<std::uint32_t>(message_type::transport_data): {
      if (datagram.size() < transport_min_size)
        return wg_errc::bad_length;
      transport_data m;
      m.receiver = load_le32(datagram.data() + transport_offset::receiver);
      m.counter = load_le64(datagram.data() + transport_offset::counter);
      m.encrypted_packet = datagram.subspan(transport_offset::payload);
      return message{m};
    }
    default:
      return wg_errc::unknown_type;
  }
}

byte_array<handshake_initiation_size> encode(const handshake_initiation& m) noexcept {
  namespace o = initiation_offset;
  byte_array<handshake_initiation_size> out{};
  store_le32(out.data(), static_cast<std::uint32_t>(message_type::handshake_initiation));
  store_le32(out.data() + o::sender, m.sender);
  write(out.data(), o::ephemeral, m.ephemeral);
  write(out.data(), o::encrypted_static, m.encrypted_static);
  write(out.data(), o::encrypted_timestamp, m.encrypted_timestamp);
  write(out.data(), o::mac1, m.mac1);
  write(out.data(), o::mac2, m.mac2);
  return out;
}

byte_array<handshake_response_size> encode(const handshake_response& m) noexcept {
  namespace o = response_offset;
  byte_array<handshake_response_size> out{};
  store_le32(out.data(), static_cast<std::uint32_t>(message_type::handshake_response));
  store_le32(out.data() + o::sender, m.sender);
  store_le32(out.data() + o::receiver, m.receiver);
  write(out.data(), o::ephemeral, m.ephemeral);
  write(out.data(), o::encrypted_nothing, m.encrypted_nothing);
  write(out.data(), o::mac1, m.mac1);
  write(out.data(), o::mac2, m.mac2);
  return out;
}

byte_array<cookie_reply_size> encode(const cookie_reply& m) noexcept {
  namespace o = cookie_reply_offset;
  byte_array<cookie_reply_size> out{};
  store_le32(out.data(), static_cast<std::uint32_t>(message_type::cookie_reply));
  store_le32(out.data() + o::receiver, m.receiver);
  write(out.data(), o::nonce, m.nonce);
  write(out.data(), o::encrypted_cookie, m.encrypted_cookie);
  return out;
}

void write_transport_header(std::uint8_t* out, std::uint32_t receiver,
                            std::uint64_t counter) noexcept {
  store_le32(out, static_cast<std::uint32_t>(message_type::transport_data));
  store_le32(out + transport_offset::receiver, receiver);
  store_le64(out + transport_offset::counter, counter);
}

} // namespace tsnode::wireguard
