#include "crypto/base64.hpp"

#include "crypto/secret.hpp"

namespace tsnode::crypto {

namespace {

/// Returns -1 when lo <= c <= hi and 0 otherwise, without a branch: both differences are
/// negative only inside the range, and they lie in [-256, 255], so the arithmetic shift of
/// their AND is -1 or 0 (C++20 defines >> on negative values as arithmetic).
constexpr int in_range(int c, int lo, int hi) noexcept {
  return ((lo - 1 - c) & (c - hi - 1)) >> 8;
}

/// Returns the 6-bit value of base64 digit `ch`, or -1 for any other character (wg(8)
/// encoding.c decode_base64, one digit at a time).
constexpr int digit_value(char ch) noexcept {
  const int c = static_cast<unsigned char>(ch);
  return -1 + (in_range(c, 'A', 'Z') & (c - 'A' + 1)) + (in_range(c, 'a', 'z') & (c - 'a' + 27))
         + (in_range(c, '0', '9') & (c - '0' + 53)) + (in_range(c, '+', '+') & 63)
         + (in_range(c, '/', '/') & 64);
}

/// Returns the base64 digit of the 6-bit value `v` (wg(8) encoding.c encode_base64): 'A' + v,
/// shifted past the gaps between the alphabet's runs by masks computed from v's sign.
constexpr char digit_char(unsigned v) noexcept {
  const int x = static_cast<int>(v & 63);
  return static_cast<char>(x + 'A' + (((25 - x) >> 8) & 6) - (((51 - x) >> 8) & 75)
                           - (((61 - x) >> 8) & 15) + (((62 - x) >> 8) & 3));
}

static_assert(digit_value('A') == 0 && digit_value('Z') == 25 && digit_value('a') == 26
              && digit_value('z') == 51 && digit_value('0') == 52 && digit_value('9') == 61
              && digit_value('+') == 62 && digit_value('/') == 63);
static_assert(digit_value('=') == -1 && digit_value('-') == -1 && digit_value('_') == -1
              && digit_value(' ') == -1 && digit_value('\0') == -1 && digit_value('\xff') == -1
              && digit_value('@') == -1 && digit_value('[') == -1 && digit_value('`') == -1
              && digit_value('{') == -1 && digit_value(':') == -1);
static_assert(digit_char(0) == 'A' && digit_char(25) == 'Z' && digit_char(26) == 'a'
              && digit_char(51) == 'z' && digit_char(52) == '0' && digit_char(61) == '9'
              && digit_char(62) == '+' && digit_char(63) == '/');

/// Returns how many bytes the strict base64 text `text` decodes to, from its length and padding
/// alone (the digits are checked later), or nullopt when that shape is wrong.
std::optional<std::size_t> decoded_size(std::string_view text) noexcept {
  if (text.size() % 4 != 0)
    return std::nullopt;
  if (text.empty())
    return 0;
  std::size_t pad = 0;
  if (text[text.size() - 1] == '=')
    pad = text[text.size() - 2] == '=' ? 2 : 1;
  return text.size() / 4 * 3 - pad;
}

} // namespace

std::string base64_encode(byte_view x) {
  std::string out;
  out.reserve(base64_encoded_size(x.size()));
  std::size_t i = 0;
  for (; i + 3 <= x.size(); i += 3) {
    const unsigned v = (unsigned{x[i]} << 16) | (unsigned{x[i + 1]} << 8) | x[i + 2];
    out.push_back(digit_char(v >> 18));
    out.push_back(digit_char(v >> 12));
    out.push_back(digit_char(v >> 6));
    out.push_back(digit_char(v));
  }
  const std::size_t rest = x.size() - i;
  if (rest == 1) {
    const unsigned v = unsigned{x[i]} << 16;
    out.push_back(digit_char(v >> 18));
    out.push_back(digit_char(v >> 12));
    out.append("==");
  } else if (rest == 2) {
    const unsigned v = (unsigned{x[i]} << 16) | (unsigned{x[i + 1]} << 8);
    out.push_back(digit_char(v >> 18));
    out.push_back(digit_char(v >> 12));
    out.push_back(digit_char(v >> 6));
    out.push_back('=');
  }
  return out;
}

bool base64_decode_exact(std::string_view text, std::span<std::uint8_t> out) noexcept {
  const auto size = decoded_size(text);
  if (!size || *size != out.size()) {
    wipe(out.data(), out.size());
    return false;
  }
  // Accumulate instead of returning early, so the time does not depend on where a bad digit is.
  int bad = 0; // negative once any digit was not in the alphabet
  std::size_t o = 0;
  std::size_t i = 0;
  for (; o + 3 <= out.size(); i += 4, o += 3) {
    const int a = digit_value(text[i]);
    const int b = digit_value(text[i + 1]);
    const int c = digit_value(text[i + 2]);
    const int d = digit_value(text[i + 3]);
    bad |= a | b | c | d;
    const unsigned v = (static_cast<unsigned>(a & 63) << 18) | (static_cast<unsigned>(b & 63) << 12)
                       | (static_cast<unsigned>(c & 63) << 6) | static_cast<unsigned>(d & 63);
    out[o] = static_cast<std::uint8_t>(v >> 16);
    out[o + 1] = static_cast<std::uint8_t>(v >> 8);
    out[o + 2] = static_cast<std::uint8_t>(v);
  }
  const std::size_t rest = out.size() - o;
  if (rest == 1) {
    // "xy==": 12 bits carry 8; RFC 4648 §3.5 canonical form needs the low 4 bits of y zero.
    const int a = digit_value(text[i]);
    const int b = digit_value(text[i + 1]);
    bad |= a | b | -((b & 0x0f) != 0);
    out[o] = static_cast<std::uint8_t>(((a & 63) << 2) | ((b & 63) >> 4));
  } else if (rest == 2) {
    // "xyz=": 18 bits carry 16; the low 2 bits of z must be zero.
    const int a = digit_value(text[i]);
    const int b = digit_value(text[i + 1]);
    const int c = digit_value(text[i + 2]);
    bad |= a | b | c | -((c & 0x03) != 0);
    const unsigned v = (static_cast<unsigned>(a & 63) << 12) | (static_cast<unsigned>(b & 63) << 6)
                       | static_cast<unsigned>(c & 63);
    out[o] = static_cast<std::uint8_t>(v >> 10);
    out[o + 1] = static_cast<std::uint8_t>(v >> 2);
  }
  if (bad < 0) {
    wipe(out.data(), out.size());
    return false;
  }
  return true;
}

std::optional<byte_buffer> base64_decode(std::string_view text) {
  const auto size = decoded_size(text);
  if (!size)
    return std::nullopt;
  byte_buffer out(*size);
  if (!base64_decode_exact(text, out))
    return std::nullopt;
  return out;
}

std::optional<byte_array<32>> key_from_base64(std::string_view text) {
  byte_array<32> out;
  if (!base64_decode_exact(text, out))
    return std::nullopt;
  return out;
}

std::string key_to_base64(const byte_array<32>& key) {
  return base64_encode(key);
}

} // namespace tsnode::crypto
