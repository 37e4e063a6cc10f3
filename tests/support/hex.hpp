#pragma once
/// @file
/// Hex helpers for tests: scripted byte conversations read as `"05 01 00"`.

#include <stdexcept>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

namespace tsnode::test {

/// Returns the bytes of a hex string; spaces, newlines and ':' are ignored.
/// Throws std::invalid_argument on anything else that is not a hex digit (a typo in a test).
inline byte_buffer hex(std::string_view text) {
  std::string compact;
  for (char c : text)
    if (c != ' ' && c != '\n' && c != ':')
      compact.push_back(c);
  auto out = from_hex(compact);
  if (!out)
    throw std::invalid_argument("bad hex in test: " + std::string{text});
  return *out;
}

/// Returns `hex(text)` as a fixed array; throws when the length is not N.
template <std::size_t N>
byte_array<N> hex_array(std::string_view text) {
  auto v = hex(text);
  if (v.size() != N)
    throw std::invalid_argument("wrong hex length in test: " + std::string{text});
  byte_array<N> out;
  for (std::size_t i = 0; i < N; ++i)
    out[i] = v[i];
  return out;
}

/// Returns the lowercase hex of `x`, for readable BOOST_TEST failures.
inline std::string hex_of(byte_view x) {
  return to_hex(x);
}

/// Returns `n` copies of byte `b`, as the deterministic vectors spell keys (`01`×32).
template <std::size_t N>
byte_array<N> filled(std::uint8_t b) {
  byte_array<N> out;
  out.fill(b);
  return out;
}

} // namespace tsnode::test
