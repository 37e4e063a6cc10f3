#pragma once
/// @file
/// The four WireGuard messages (WireGuard paper §5.4; Linux drivers/net/wireguard/messages.h;
/// wireguard-go device/noise-protocol.go) as constexpr layouts, value structs and a parser that
/// dispatches on (type, exact length) (style.md §5.11). Little-endian fields, never a
/// reinterpret_cast of a struct. Parsing never allocates and accepts any input.

#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "crypto/bytes.hpp"
#include "wireguard/errors.hpp"

namespace tsnode::wireguard {

/// The first byte of every message; bytes 1..3 are reserved and must be zero.
enum class message_type : std::uint8_t {
  handshake_initiation = 1,
  handshake_response = 2,
  cookie_reply = 3,
  transport_data = 4,
};

// -- field sizes -------------------------------------------------------------------------------

inline constexpr std::size_t key_size = 32;       ///< a Curve25519 public key
inline constexpr std::size_t tag_size = 16;       ///< a Poly1305 tag
inline constexpr std::size_t mac_size = 16;       ///< mac1, mac2, a cookie (BLAKE2s-128)
inline constexpr std::size_t timestamp_size = 12; ///< TAI64N
inline constexpr std::size_t cookie_nonce_size = 24;

// -- handshake initiation (paper §5.4.2) -------------------------------------------------------

namespace initiation_offset {
inline constexpr std::size_t type = 0;
inline constexpr std::size_t sender = 4;
inline constexpr std::size_t ephemeral = 8;
inline constexpr std::size_t encrypted_static = ephemeral + key_size;
inline constexpr std::size_t encrypted_timestamp = encrypted_static + key_size + tag_size;
inline constexpr std::size_t mac1 = encrypted_timestamp + timestamp_size + tag_size;
inline constexpr std::size_t mac2 = mac1 + mac_size;
} // namespace initiation_offset
inline constexpr std::size_t handshake_initiation_size = 148;
static_assert(4 + 4 + 32 + (32 + 16) + (12 + 16) + 16 + 16 == handshake_initiation_size);
static_assert(initiation_offset::mac2 + mac_size == handshake_initiation_size);

// -- handshake response (paper §5.4.3) ---------------------------------------------------------

namespace response_offset {
inline constexpr std::size_t type = 0;
inline constexpr std::size_t sender = 4;
inline constexpr std::size_t receiver = 8;
inline constexpr std::size_t ephemeral = 12;
inline constexpr std::size_t encrypted_nothing = ephemeral + key_size;
inline constexpr std::size_t mac1 = encrypted_nothing + tag_size;
inline constexpr std::size_t mac2 = mac1 + mac_size;
} // namespace response_offset
inline constexpr std::size_t handshake_response_size = 92;
static_assert(4 + 4 + 4 + 32 + (0 + 16) + 16 + 16 == handshake_response_size);
static_assert(response_offset::mac2 + mac_size == handshake_response_size);

// -- cookie reply (paper §5.4.7) ---------------------------------------------------------------

namespace cookie_reply_offset {
inline constexpr std::size_t type = 0;
inline constexpr std::size_t receiver = 4;
inline constexpr std::size_t nonce = 8;
inline constexpr std::size_t encrypted_cookie = nonce + cookie_nonce_size;
} // namespace cookie_reply_offset
inline constexpr std::size_t cookie_reply_size = 64;
static_assert(4 + 4 + 24 + (16 + 16) == cookie_reply_size);
static_assert(cookie_reply_offset::encrypted_cookie + mac_size + tag_size == cookie_reply_size);

// -- transport data (paper §5.4.6) -------------------------------------------------------------

namespace transport_offset {
inline constexpr std::size_t type = 0;
inline constexpr std::size_t receiver = 4;
inline constexpr std::size_t counter = 8;
inline constexpr std::size_t payload = 16;
} // namespace transport_offset
inline constexpr std::size_t transport_header_size = 16;
static_assert(4 + 4 + 8 == transport_header_size);
/// The size of an empty (keepalive) transport message: header plus the tag of nothing.
inline constexpr std::size_t transport_min_size = transport_header_size + tag_size;
/// What a transport message adds to its padded plaintext.
inline constexpr std::size_t transport_overhead = transport_header_size + tag_size;

// -- value types -------------------------------------------------------------------------------

/// A handshake initiation, field by field.
struct handshake_initiation {
  std::uint32_t sender = 0;
  byte_array<key_size> ephemeral{};
  byte_array<key_size + tag_size> encrypted_static{};
  byte_array<timestamp_size + tag_size> encrypted_timestamp{};
  byte_array<mac_size> mac1{};
  byte_array<mac_size> mac2{};
};

/// A handshake response, field by field.
struct handshake_response {
  std::uint32_t sender = 0;
  std::uint32_t receiver = 0;
  byte_array<key_size> ephemeral{};
  byte_array<tag_size> encrypted_nothing{};
  byte_array<mac_size> mac1{};
  byte_array<mac_size> mac2{};
};

/// A cookie reply, field by field.
struct cookie_reply {
  std::uint32_t receiver = 0;
  byte_array<cookie_nonce_size> nonce{};
  byte_array<mac_size + tag_size> encrypted_cookie{};
};

/// A transport data message: header fields and a view of the encrypted payload (with its tag)
/// inside the parsed datagram, which must outlive it.
struct transport_data {
  std::uint32_t receiver = 0;
  std::uint64_t counter = 0;
  byte_view encrypted_packet;
};

/// Any parsed message.
using message
  = std::variant<handshake_initiation, handshake_response, cookie_reply, transport_data>;

/// Returns the message in `datagram`, or unknown_type / bad_length. The type is the whole first
/// little-endian 32-bit word (reserved bytes must be zero, as in Linux and wireguard-go), and
/// handshake messages must have their exact size; transport data needs at least
/// transport_min_size bytes.
std::variant<message, wg_errc> parse_message(byte_view datagram) noexcept;

/// Returns the wire form of an initiation.
byte_array<handshake_initiation_size> encode(const handshake_initiation& m) noexcept;
/// Returns the wire form of a response.
byte_array<handshake_response_size> encode(const handshake_response& m) noexcept;
/// Returns the wire form of a cookie reply.
byte_array<cookie_reply_size> encode(const cookie_reply& m) noexcept;

/// Writes the 16-byte transport header at `out`. @pre out has transport_header_size bytes.
void write_transport_header(std::uint8_t* out, std::uint32_t receiver,
                            std::uint64_t counter) noexcept;

/// Returns the bytes of a handshake message that mac1 covers: everything before mac1.
/// @pre `msg` is a whole initiation or response (at least 2 * mac_size bytes).
inline byte_view mac1_input(byte_view msg) noexcept {
  return msg.first(msg.size() - 2 * mac_size);
}
/// Returns the bytes of a handshake message that mac2 covers: everything before mac2.
inline byte_view mac2_input(byte_view msg) noexcept {
  return msg.first(msg.size() - mac_size);
}

} // namespace tsnode::wireguard
