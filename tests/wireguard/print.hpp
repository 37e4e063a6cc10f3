#pragma once
/// @file
/// Stream operators so that BOOST_TEST can print wireguard/ values in failure messages.

#include <optional>
#include <ostream>

#include "wireguard/address.hpp"
#include "wireguard/errors.hpp"

namespace tsnode::wireguard {

inline std::ostream& operator<<(std::ostream& os, wg_errc x) {
  return os << to_string(x);
}

inline std::ostream& operator<<(std::ostream& os, const std::optional<wg_errc>& x) {
  if (!x)
    return os << "(no error)";
  return os << *x;
}

inline std::ostream& operator<<(std::ostream& os, const udp_address& x) {
  return os << x.to_string();
}

inline std::ostream& operator<<(std::ostream& os, const std::optional<udp_address>& x) {
  if (!x)
    return os << "(no address)";
  return os << *x;
}

} // namespace tsnode::wireguard
