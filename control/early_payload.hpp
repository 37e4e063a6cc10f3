#pragma once
/// @file
/// The optional "early payload" the server writes inside the Noise stream before its first
/// HTTP/2 frame (tailscale-protocol.md §2.5, trap #4; Go control/ts2021/conn.go, headscale
/// hscontrol/noise.go): magic `FF FF FF 'T' 'S'`, a big-endian u32 length, then JSON
/// tailcfg.EarlyNoise `{"nodeKeyChallenge":"chalpub:<hex>"}`. If the first bytes are not the
/// magic they are HTTP/2 (normally the server's SETTINGS) and are passed through untouched.
/// Incremental: decrypted bytes in any chunking in, HTTP/2 bytes out.

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "control/errors.hpp"
#include "crypto/bytes.hpp"
#include "crypto/keys.hpp"

namespace tsnode::control {

inline constexpr byte_array<5> early_payload_magic{0xff, 0xff, 0xff, 'T', 'S'};
inline constexpr std::size_t early_payload_header_size = 9;
static_assert(early_payload_magic.size() + 4 == early_payload_header_size);
/// Go's client rejects a longer early payload (§2.5).
inline constexpr std::size_t max_early_payload_size = 10u << 20;

struct challenge_tag {
  static constexpr std::string_view prefix = "chalpub:";
};
/// The per-connection challenge key of EarlyNoise (tailscale-protocol.md §1 table).
using challenge_public = crypto::public_key<challenge_tag>;

/// The decoded tailcfg.EarlyNoise.
struct early_noise {
  /// nodeKeyChallenge; absent or JSON null leaves it empty. Only parsed (like the Go client):
  /// it serves features a minimal node does not use.
  std::optional<challenge_public> node_key_challenge;
};

/// Returns the decoded EarlyNoise JSON. Unknown fields are ignored; a nodeKeyChallenge that is
/// not a string, is "" (trap #9) or is not `chalpub:` + 64 hex fails.
std::variant<early_noise, control_error> parse_early_noise(std::string_view json);

/// What one early_payload_stripper::feed() call yields.
struct early_payload_read {
  byte_buffer http2;                  ///< bytes for the HTTP/2 parser, in order
  std::optional<early_noise> payload; ///< set by the call that completed an early payload
  std::optional<control_error> error; ///< bad or oversized payload: the connection is unusable
};

/// Separates a leading early payload from the HTTP/2 byte stream.
class early_payload_stripper {
public:
  /// Consumes decrypted server bytes. Until the first 9 bytes are known, bytes that still match
  /// the magic are held back; as soon as they diverge, everything held back and all later bytes
  /// pass through as HTTP/2. An early payload's JSON is gathered (at most 10 MiB), parsed and
  /// reported once. After an error every call returns the same error and no bytes.
  early_payload_read feed(byte_view bytes);

  /// Returns whether the prefix has been decided (payload stripped, or none present).
  bool passthrough() const noexcept { return state_ == state::passthrough; }

private:
  enum class state : std::uint8_t { header, body, passthrough, failed };
  state state_ = state::header;
  byte_buffer held_; ///< header bytes, then the JSON body
  std::uint32_t body_size_ = 0;
  std::optional<control_error> error_;
};

} // namespace tsnode::control
