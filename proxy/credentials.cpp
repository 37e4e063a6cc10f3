#include "proxy/credentials.hpp"

#include <cstddef>
#include <cstdint>
#include <utility>

namespace tsnode::proxy {

bool ct_equal(std::string_view a, std::string_view b) noexcept {
  // Accumulate every difference instead of returning at the first one, so the loop runs over the
  // whole client-supplied string whatever its content (crypto/ct.hpp uses libsodium for the same;
  // proxy/ links nothing, so it keeps its own loop).
  std::size_t diff = a.size() ^ b.size();
  volatile std::uint8_t acc = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<std::uint8_t>(a[i]);
    auto y = b.empty() ? std::uint8_t{0} : static_cast<std::uint8_t>(b[i % b.size()]);
    acc = static_cast<std::uint8_t>(acc | (x ^ y));
  }
  return (diff | acc) == 0;
}

credentials::credentials(std::string username, std::string password)
  : username_(std::move(username))
  , password_(std::move(password)) {
  // nop
}

credentials::credentials(std::string password)
  : credentials(std::string{proxy_username}, std::move(password)) {
  // nop
}

credentials::~credentials() {
  // Best effort: overwrite the secret before the allocation is returned.
  volatile char* p = password_.data();
  for (std::size_t i = 0; i < password_.size(); ++i)
    p[i] = 0;
}

bool credentials::operator()(std::string_view user, std::string_view password) const noexcept {
  bool user_ok = ct_equal(user, username_);
  bool password_ok = ct_equal(password, password_);
  return user_ok & password_ok;
}

} // namespace tsnode::proxy
