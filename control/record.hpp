#pragma once
/// @file
/// ts2021 transport framing after the handshake (tailscale-protocol.md §2.4; Go
/// control/controlbase/conn.go): records `04 | BE16 ciphertext length | ciphertext`, sealed with
/// ChaCha20-Poly1305 under a **big-endian** counter nonce (trap #1), empty associated data, at
/// most 4096 bytes per record on the wire (trap #3). One writer and one reader per connection,
/// each with its own key and counter starting at 0. Pure: bytes in, bytes out.

#include <cstdint>
#include <optional>
#include <variant>

#include "control/errors.hpp"
#include "crypto/aead.hpp"
#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"

namespace tsnode::control {

/// Go's maxMessageSize: the whole record, header included.
inline constexpr std::size_t max_record_size = 4096;
inline constexpr std::size_t record_header_size = 3;
inline constexpr std::size_t max_ciphertext_size = max_record_size - record_header_size;
inline constexpr std::size_t max_plaintext_size = max_ciphertext_size - crypto::aead_tag_size;
static_assert(max_ciphertext_size == 4093 && max_plaintext_size == 4077);

/// Seals plaintext into records (client -> server with k1).
class record_writer {
public:
  /// `first_counter` is 0 on a real connection; tests start elsewhere to reach exhaustion.
  explicit record_writer(crypto::key32 key, std::uint64_t first_counter = 0) noexcept;

  /// Returns the records carrying `plaintext`, split into pieces of at most 4077 bytes so that
  /// no record exceeds 4096 bytes (trap #3); empty plaintext gives no record. Fails with
  /// counter_exhausted, writing nothing, when the records would need the counter 2^64-1 (§2.4:
  /// never used); the writer is then dead (direction_dead) and the shell must reconnect.
  std::variant<byte_buffer, control_error> seal(byte_view plaintext);

  /// Returns the counter the next record will use.
  std::uint64_t next_counter() const noexcept { return counter_; }

private:
  crypto::key32 key_;
  std::uint64_t counter_;
  bool dead_ = false;
};

/// What one record_reader::feed() call yields: the plaintext of every record completed by the
/// bytes, and, when a record was bad, the error (the plaintext before it is still authentic).
struct record_read {
  byte_buffer plaintext;
  std::optional<control_error> error;
};

/// Opens records from the server (server -> client with k2), from bytes in any chunking.
class record_reader {
public:
  explicit record_reader(crypto::key32 key, std::uint64_t first_counter = 0) noexcept;

  /// Consumes `bytes`: returns the plaintext of each record they complete; a partial record is
  /// kept (at most 4096 bytes). Errors: unexpected_record_type (§2.4: only type 4 after the
  /// handshake), record_too_large (a header announcing more than 4096 bytes), bad_record (a bad
  /// tag or a ciphertext shorter than the tag), counter_exhausted. Any error kills the reader:
  /// later calls return direction_dead.
  record_read feed(byte_view bytes);

  /// Returns whether an error has killed this reader.
  bool failed() const noexcept { return dead_; }
  /// Returns the counter the next record must have been sealed with.
  std::uint64_t next_counter() const noexcept { return counter_; }

private:
  crypto::key32 key_;
  std::uint64_t counter_;
  byte_buffer partial_; ///< header and ciphertext of the record being gathered
  bool dead_ = false;
};

} // namespace tsnode::control
