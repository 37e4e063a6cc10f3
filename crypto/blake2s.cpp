#include "crypto/blake2s.hpp"

#include <blake2.h>
#include <cstring>

namespace tsnode::crypto {

hash32 blake2s(std::initializer_list<byte_view> parts) noexcept {
  blake2s_state s;
  ::blake2s_init(&s, blake2s_size);
  for (auto p : parts)
    ::blake2s_update(&s, p.data(), p.size());
  hash32 out;
  ::blake2s_final(&s, out.data(), out.size());
  return out;
}

byte_array<16> blake2s_mac16(byte_view key, std::initializer_list<byte_view> parts) noexcept {
  blake2s_state s;
  ::blake2s_init_key(&s, 16, key.data(), key.size());
  for (auto p : parts)
    ::blake2s_update(&s, p.data(), p.size());
  byte_array<16> out;
  ::blake2s_final(&s, out.data(), out.size());
  return out;
}

hash32 hmac_blake2s(byte_view key, std::initializer_list<byte_view> parts) noexcept {
  // RFC 2104 with BLAKE2s's 64-byte block.
  constexpr std::size_t block = 64;
  secret<block> k;
  if (key.size() > block) {
    auto h = blake2s(key);
    std::memcpy(k.data(), h.data(), h.size());
  } else if (!key.empty()) {
    std::memcpy(k.data(), key.data(), key.size());
  }
  secret<block> pad;
  for (std::size_t i = 0; i < block; ++i)
    pad.data()[i] = k.data()[i] ^ 0x36;
  blake2s_state s;
  ::blake2s_init(&s, blake2s_size);
  ::blake2s_update(&s, pad.data(), block);
  for (auto p : parts)
    ::blake2s_update(&s, p.data(), p.size());
  secret<blake2s_size> inner;
  ::blake2s_final(&s, inner.data(), blake2s_size);
  for (std::size_t i = 0; i < block; ++i)
    pad.data()[i] = k.data()[i] ^ 0x5c;
  ::blake2s_init(&s, blake2s_size);
  ::blake2s_update(&s, pad.data(), block);
  ::blake2s_update(&s, inner.data(), blake2s_size);
  hash32 out;
  ::blake2s_final(&s, out.data(), out.size());
  wipe(&s, sizeof s);
  return out;
}

namespace {

key32 to_key(const hash32& h) noexcept {
  return key32{h};
}

} // namespace

// WireGuard paper §5.4 / Noise §4.3: T0 = HMAC(ck, input); T1 = HMAC(T0, 0x1);
// T2 = HMAC(T0, T1 || 0x2); T3 = HMAC(T0, T2 || 0x3).
key32 kdf1(const key32& chaining_key, byte_view input) noexcept {
  const std::uint8_t one = 1;
  key32 t0 = to_key(hmac_blake2s(chaining_key.view(), {input}));
  return to_key(hmac_blake2s(t0.view(), {byte_view{&one, 1}}));
}

kdf2_result kdf2(const key32& chaining_key, byte_view input) noexcept {
  const std::uint8_t one = 1, two = 2;
  key32 t0 = to_key(hmac_blake2s(chaining_key.view(), {input}));
  key32 t1 = to_key(hmac_blake2s(t0.view(), {byte_view{&one, 1}}));
  key32 t2 = to_key(hmac_blake2s(t0.view(), {t1.view(), byte_view{&two, 1}}));
  return {std::move(t1), std::move(t2)};
}

kdf3_result kdf3(const key32& chaining_key, byte_view input) noexcept {
  const std::uint8_t one = 1, two = 2, three = 3;
  key32 t0 = to_key(hmac_blake2s(chaining_key.view(), {input}));
  key32 t1 = to_key(hmac_blake2s(t0.view(), {byte_view{&one, 1}}));
  key32 t2 = to_key(hmac_blake2s(t0.view(), {t1.view(), byte_view{&two, 1}}));
  key32 t3 = to_key(hmac_blake2s(t0.view(), {t2.view(), byte_view{&three, 1}}));
  return {std::move(t1), std::move(t2), std::move(t3)};
}

} // namespace tsnode::crypto
