#pragma once
/// @file
/// Conversions between netstack value types and lwIP's (internal to netstack/).

#include <cstring>

extern "C" {
#include "lwip/ip_addr.h"
}

#include "netstack/ip.hpp"

namespace tsnode::netstack::detail {

inline ip_addr_t to_lwip(const ip_address& a) {
  ip_addr_t out;
  if (a.v6) {
    IP_SET_TYPE_VAL(out, IPADDR_TYPE_V6);
    std::memcpy(ip_2_ip6(&out)->addr, a.bytes.data(), 16);
#if LWIP_IPV6_SCOPES
    ip_2_ip6(&out)->zone = IP6_NO_ZONE;
#endif
  } else {
    IP_SET_TYPE_VAL(out, IPADDR_TYPE_V4);
    std::memcpy(&ip_2_ip4(&out)->addr, a.bytes.data(), 4);
  }
  return out;
}

inline ip_address from_lwip(const ip_addr_t& a) {
  ip_address out;
  if (IP_IS_V6_VAL(a)) {
    out.v6 = true;
    std::memcpy(out.bytes.data(), ip_2_ip6(&a)->addr, 16);
  } else {
    std::memcpy(out.bytes.data(), &ip_2_ip4(&a)->addr, 4);
  }
  return out;
}

} // namespace tsnode::netstack::detail
