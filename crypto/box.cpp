#include "crypto/box.hpp"

#include <sodium.h>

namespace tsnode::crypto {

std::optional<byte_buffer> box_seal(const box_nonce& nonce, const byte_array<32>& recipient,
                                    const secret<32>& sender, byte_view plaintext) {
  byte_buffer out(plaintext.size() + box_mac_size);
  if (crypto_box_easy(out.data(), plaintext.data(), plaintext.size(), nonce.data(),
                      recipient.data(), sender.data())
      != 0)
    return std::nullopt;
  return out;
}

std::optional<byte_buffer> box_open(const box_nonce& nonce, const byte_array<32>& sender,
                                    const secret<32>& recipient, byte_view boxed) {
  if (boxed.size() < box_mac_size)
    return std::nullopt;
  byte_buffer out(boxed.size() - box_mac_size);
  if (crypto_box_open_easy(out.data(), boxed.data(), boxed.size(), nonce.data(), sender.data(),
                           recipient.data())
      != 0)
    return std::nullopt;
  return out;
}

std::optional<key32> box_precompute(const byte_array<32>& peer, const secret<32>& self) {
  key32 k;
  if (crypto_box_beforenm(k.data(), peer.data(), self.data()) != 0)
    return std::nullopt;
  return k;
}

byte_buffer box_seal_afternm(const box_nonce& nonce, const key32& shared, byte_view plaintext) {
  byte_buffer out(plaintext.size() + box_mac_size);
  crypto_box_easy_afternm(out.data(), plaintext.data(), plaintext.size(), nonce.data(),
                          shared.data());
  return out;
}

std::optional<byte_buffer> box_open_afternm(const box_nonce& nonce, const key32& shared,
                                            byte_view boxed) {
  if (boxed.size() < box_mac_size)
    return std::nullopt;
  byte_buffer out(boxed.size() - box_mac_size);
  if (crypto_box_open_easy_afternm(out.data(), boxed.data(), boxed.size(), nonce.data(),
                                   shared.data())
      != 0)
    return std::nullopt;
  return out;
}

} // namespace tsnode::crypto
