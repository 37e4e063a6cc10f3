#include "crypto/ct.hpp"

#include <sodium.h>

namespace tsnode::crypto {

bool ct_equal(byte_view a, byte_view b) noexcept {
  if (a.size() != b.size())
    return false;
  if (a.empty())
    return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool ct_is_zero(byte_view x) noexcept {
  return sodium_is_zero(x.data(), x.size()) == 1;
}

} // namespace tsnode::crypto
