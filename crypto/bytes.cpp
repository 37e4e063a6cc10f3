#include "crypto/bytes.hpp"

namespace tsnode {

std::string to_hex(byte_view x) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(x.size() * 2);
  for (auto b : x) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

std::optional<byte_buffer> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0)
    return std::nullopt;
  byte_buffer out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

} // namespace tsnode
