#include "crypto/aead.hpp"

#include <sodium.h>

namespace tsnode::crypto {

aead_nonce nonce_le64(std::uint64_t counter) noexcept {
  aead_nonce n{};
  store_le64(n.data() + 4, counter);
  return n;
}

aead_nonce nonce_be64(std::uint64_t counter) noexcept {
  aead_nonce n{};
  store_be64(n.data() + 4, counter);
  return n;
}

void seal(const key32& key, const aead_nonce& nonce, byte_view ad, byte_view plaintext,
          std::span<std::uint8_t> out) noexcept {
  unsigned long long clen = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &clen, plaintext.data(), plaintext.size(),
                                            ad.data(), ad.size(), nullptr, nonce.data(),
                                            key.data());
}

bool open(const key32& key, const aead_nonce& nonce, byte_view ad, byte_view ciphertext,
          std::span<std::uint8_t> out) noexcept {
  if (ciphertext.size() < aead_tag_size || out.size() != ciphertext.size() - aead_tag_size)
    return false;
  unsigned long long mlen = 0;
  return crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &mlen, nullptr, ciphertext.data(),
                                                   ciphertext.size(), ad.data(), ad.size(),
                                                   nonce.data(), key.data())
         == 0;
}

byte_buffer seal(const key32& key, const aead_nonce& nonce, byte_view ad, byte_view plaintext) {
  byte_buffer out(plaintext.size() + aead_tag_size);
  seal(key, nonce, ad, plaintext, out);
  return out;
}

void xseal(const key32& key, const xaead_nonce& nonce, byte_view ad, byte_view plaintext,
           std::span<std::uint8_t> out) noexcept {
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &clen, plaintext.data(), plaintext.size(),
                                             ad.data(), ad.size(), nullptr, nonce.data(),
                                             key.data());
}

bool xopen(const key32& key, const xaead_nonce& nonce, byte_view ad, byte_view ciphertext,
           std::span<std::uint8_t> out) noexcept {
  if (ciphertext.size() < aead_tag_size || out.size() != ciphertext.size() - aead_tag_size)
    return false;
  unsigned long long mlen = 0;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &mlen, nullptr, ciphertext.data(),
                                                    ciphertext.size(), ad.data(), ad.size(),
                                                    nonce.data(), key.data())
         == 0;
}

} // namespace tsnode::crypto
