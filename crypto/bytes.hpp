#pragma once
/// @file
/// Byte vocabulary shared by every ring: spans, fixed arrays, hex, and endian loads/stores.
/// Pure: no I/O, no allocation beyond the returned strings/vectors.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tsnode {

using byte_view = std::span<const std::uint8_t>;
using byte_buffer = std::vector<std::uint8_t>;
template <std::size_t N>
using byte_array = std::array<std::uint8_t, N>;

/// Returns the lowercase hex form of `x`.
std::string to_hex(byte_view x);

/// Returns the bytes of an even-length hex string (either case), or nullopt on any other input.
std::optional<byte_buffer> from_hex(std::string_view hex);

/// Returns the bytes of a hex string of exactly 2*N digits, or nullopt.
template <std::size_t N>
std::optional<byte_array<N>> from_hex_array(std::string_view hex) {
  if (hex.size() != 2 * N)
    return std::nullopt;
  auto v = from_hex(hex);
  if (!v)
    return std::nullopt;
  byte_array<N> out;
  for (std::size_t i = 0; i < N; ++i)
    out[i] = (*v)[i];
  return out;
}

/// Returns the bytes of a string's characters (no terminator).
inline byte_view as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// -- endian helpers (never reinterpret_cast structs: style.md §5.11) --------------------------

inline void store_le32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void store_le64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void store_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void store_be32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}
inline void store_be64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
}
inline std::uint32_t load_le32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}
inline std::uint64_t load_le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}
inline std::uint16_t load_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t load_be32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v = (v << 8) | p[i];
  return v;
}
inline std::uint64_t load_be64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | p[i];
  return v;
}

} // namespace tsnode
