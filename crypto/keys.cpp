#include "crypto/keys.hpp"

namespace tsnode::crypto {

std::string_view to_string(key_errc x) noexcept {
  switch (x) {
    case key_errc::bad_prefix:
      return "wrong key prefix";
    case key_errc::bad_length:
      return "a key needs exactly 64 hex digits after its prefix";
    case key_errc::bad_hex:
      return "a key may hold only hex digits after its prefix";
  }
  return "unknown key error";
}

namespace detail {

std::variant<byte_array<32>, key_errc> parse_key_text(std::string_view text,
                                                      std::string_view prefix) {
  if (!text.starts_with(prefix))
    return key_errc::bad_prefix;
  auto hex = text.substr(prefix.size());
  if (hex.size() != 64)
    return key_errc::bad_length;
  auto raw = from_hex_array<32>(hex);
  if (!raw)
    return key_errc::bad_hex;
  return *raw;
}

std::string key_text(std::string_view prefix, const byte_array<32>& bytes) {
  std::string out{prefix};
  out += to_hex(bytes);
  return out;
}

} // namespace detail

} // namespace tsnode::crypto
