#include "api/wg_config.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <netdb.h>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>

#include "wireguard/wg_quick.hpp"

namespace tsnode::api {

netstack::ip_address to_net(const wireguard::ip_address& a) {
  netstack::ip_address out;
  out.v6 = a.family == wireguard::ip_family::v6;
  std::copy(a.bytes.begin(), a.bytes.end(), out.bytes.begin());
  return out;
}

/// Resolves an Endpoint host name with the host's resolver; nullopt with `why` on failure.
std::optional<wireguard::udp_address> resolve_endpoint(const wireguard::wg_quick_endpoint& ep,
                                                       std::string& why) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(ep.host.c_str(), nullptr, &hints, &res); rc != 0) {
    why = ::gai_strerror(rc);
    return std::nullopt;
  }
  std::optional<wireguard::udp_address> out;
  for (auto* p = res; p != nullptr && !out; p = p->ai_next) {
    wireguard::udp_address a;
    a.port = ep.port;
    if (p->ai_family == AF_INET) {
      a.ip = wireguard::ip_address::v4_from(reinterpret_cast<const std::uint8_t*>(
        &reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr));
      out = a;
    } else if (p->ai_family == AF_INET6) {
      a.ip = wireguard::ip_address::v6_from(reinterpret_cast<const std::uint8_t*>(
        &reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr));
      out = a;
    }
  }
  ::freeaddrinfo(res);
  if (!out)
    why = "no IPv4 or IPv6 address";
  return out;
}

std::variant<node_config, std::string> node_config_from_wg_quick(const std::string& path) {
  try {
    auto loaded = wireguard::load_wg_quick(path);
    if (auto* e = std::get_if<wireguard::wg_quick_error>(&loaded))
      return e->to_string();
    auto& wg = std::get<wireguard::wg_quick_config>(loaded);
    for (auto& n : wg.notices)
      spdlog::warn("{}", n.to_string());
    if (wg.addresses.empty())
      return path + ": [Interface] needs an Address: the node dials from it";
    node_config cfg;
    for (auto& a : wg.addresses)
      cfg.core.addresses.push_back(netstack::ip_prefix{to_net(a.address), a.bits});
    cfg.core.wireguard.mtu = wireguard::to_endpoint_config(wg).mtu;
    cfg.core.wireguard.listen_port = wg.listen_port.value_or(0);
    cfg.core.wireguard.private_key = std::move(*wg.private_key);
    for (auto& p : wg.peers) {
      std::optional<wireguard::udp_address> resolved;
      if (p.endpoint && !p.endpoint->address) {
        std::string why;
        resolved = resolve_endpoint(*p.endpoint, why);
        if (!resolved)
          return path + ":" + std::to_string(p.line) + ": cannot resolve Endpoint "
                 + p.endpoint->host + ": " + why;
      }
      auto pc = wireguard::to_peer_config(p, resolved);
      if (!pc)
        return path + ":" + std::to_string(p.line) + ": peer incomplete";
      cfg.core.wireguard.peers.push_back(std::move(*pc));
    }
    return cfg;
  } catch (const std::exception& e) {
    return path + ": " + e.what();
  }
}

} // namespace tsnode::api
