#include "crypto/secret.hpp"

#include <sodium.h>

namespace tsnode::crypto {

void wipe(void* p, std::size_t n) noexcept {
  sodium_memzero(p, n);
}

} // namespace tsnode::crypto
