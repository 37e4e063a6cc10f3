#pragma once
/// @file
/// X25519 Diffie-Hellman (RFC 7748) over libsodium.

#include <optional>

#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"

namespace tsnode::crypto {

/// Returns the public key X25519(priv, 9).
byte_array<32> x25519_public(const secret<32>& priv) noexcept;

/// Returns X25519(priv, pub), or nullopt when the result is all zeros (a low-order or zero
/// point: WireGuard paper §5.4.3 and RFC 7748 §6.1 require rejecting it).
std::optional<key32> x25519(const secret<32>& priv, const byte_array<32>& pub) noexcept;

/// Clamps 32 random bytes into an X25519 private scalar (RFC 7748 §5; Go's key.NewNode).
void x25519_clamp(byte_array<32>& scalar) noexcept;

} // namespace tsnode::crypto
