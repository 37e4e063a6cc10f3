#pragma once
/// @file
/// The Noise symmetric state (Noise spec rev. 34 §5.2) for the BLAKE2s + ChaChaPoly suites used
/// by WireGuard (Noise_IKpsk2) and ts2021 (Noise_IK). Only the handshake part: each key derived
/// by mix_key is used once, with nonce 0, as both protocols do.

#include <optional>
#include <string_view>

#include "crypto/blake2s.hpp"
#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"

namespace tsnode::crypto {

/// Chaining key and handshake hash, with the Noise operations over them.
class symmetric_state {
public:
  /// Initialises ck = h = HASH(name), or name zero-padded when it fits in 32 bytes.
  explicit symmetric_state(std::string_view protocol_name) noexcept;

  /// h = HASH(h || data).
  void mix_hash(byte_view data) noexcept;

  /// (ck, k) = KDF2(ck, input); returns k.
  key32 mix_key(byte_view input) noexcept;

  /// (ck, t, k) = KDF3(ck, input); h = HASH(h || t); returns k (Noise §5.2 MixKeyAndHash, the
  /// psk token of WireGuard's psk2 pattern).
  key32 mix_key_and_hash(byte_view input) noexcept;

  /// Returns AEAD(k, 0, plaintext, h) and mixes the ciphertext into h.
  byte_buffer encrypt_and_hash(const key32& k, byte_view plaintext);

  /// Opens `ciphertext` with AEAD(k, 0, ·, h), mixes it into h and returns the plaintext, or
  /// nullopt on a bad tag (h is then unchanged).
  std::optional<byte_buffer> decrypt_and_hash(const key32& k, byte_view ciphertext);

  /// Returns (k1, k2) = KDF2(ck, empty): the initiator's send and receive keys.
  kdf2_result split() const noexcept;

  /// Returns a copy of this state, for a tentative step that is dropped when a message fails to
  /// authenticate (explicit, like secret::clone(), so that key material is never copied by
  /// accident).
  symmetric_state clone() const noexcept;

  const key32& chaining_key() const noexcept { return ck_; }
  const hash32& hash() const noexcept { return h_; }

private:
  key32 ck_;
  hash32 h_{};
};

} // namespace tsnode::crypto
