#include "crypto/noise.hpp"

#include <cstring>

#include "crypto/aead.hpp"

namespace tsnode::crypto {

symmetric_state::symmetric_state(std::string_view protocol_name) noexcept {
  // Noise §5.2 InitializeSymmetric: pad a short name, hash a long one.
  if (protocol_name.size() <= blake2s_size)
    std::memcpy(h_.data(), protocol_name.data(), protocol_name.size());
  else
    h_ = blake2s(as_bytes(protocol_name));
  ck_ = key32{h_};
}

void symmetric_state::mix_hash(byte_view data) noexcept {
  h_ = blake2s({h_, data});
}

key32 symmetric_state::mix_key(byte_view input) noexcept {
  auto r = kdf2(ck_, input);
  ck_ = std::move(r.first);
  return std::move(r.second);
}

key32 symmetric_state::mix_key_and_hash(byte_view input) noexcept {
  auto r = kdf3(ck_, input);
  ck_ = std::move(r.first);
  mix_hash(r.second.view());
  return std::move(r.third);
}

byte_buffer symmetric_state::encrypt_and_hash(const key32& k, byte_view plaintext) {
  auto out = seal(k, nonce_le64(0), h_, plaintext);
  mix_hash(out);
  return out;
}

std::optional<byte_buffer> symmetric_state::decrypt_and_hash(const key32& k, byte_view ciphertext) {
  if (ciphertext.size() < aead_tag_size)
    return std::nullopt;
  byte_buffer out(ciphertext.size() - aead_tag_size);
  if (!open(k, nonce_le64(0), h_, ciphertext, out))
    return std::nullopt;
  mix_hash(ciphertext);
  return out;
}

kdf2_result symmetric_state::split() const noexcept {
  return kdf2(ck_, {});
}

symmetric_state symmetric_state::clone() const noexcept {
  // A non-null empty name: the constructor's memcpy must not see a null source (UBSan).
  symmetric_state out{std::string_view{""}};
  out.ck_ = ck_.clone();
  out.h_ = h_;
  return out;
}

} // namespace tsnode::crypto
