#include "crypto/x25519.hpp"

#include <sodium.h>

namespace tsnode::crypto {

byte_array<32> x25519_public(const secret<32>& priv) noexcept {
  byte_array<32> out;
  crypto_scalarmult_base(out.data(), priv.data());
  return out;
}

std::optional<key32> x25519(const secret<32>& priv, const byte_array<32>& pub) noexcept {
  key32 out;
  // libsodium returns -1 when the result is all zeros (low-order or zero point).
  if (crypto_scalarmult(out.data(), priv.data(), pub.data()) != 0)
    return std::nullopt;
  return out;
}

void x25519_clamp(byte_array<32>& scalar) noexcept {
  scalar[0] &= 248;
  scalar[31] = static_cast<std::uint8_t>((scalar[31] & 127) | 64);
}

} // namespace tsnode::crypto
