#include "actors/netmap_sink.hpp"

#include <caf/all.hpp>

namespace tsnode {

std::vector<wireguard::peer_config> wireguard_peers(const tailnet_map& m,
                                                    std::vector<std::string>* skipped) {
  std::vector<wireguard::peer_config> out;
  auto skip = [&](const tailnet_node& p, const char* why) {
    if (skipped)
      skipped->push_back((p.name.empty() ? p.node_key : p.name) + ": " + why);
  };
  for (auto& p : m.peers) {
    auto key = crypto::node_public::parse(p.node_key);
    if (!std::holds_alternative<crypto::node_public>(key)) {
      skip(p, "unusable node key");
      continue;
    }
    if (p.expired) {
      skip(p, "node key expired");
      continue;
    }
    if (p.disco_key.empty()) {
      skip(p, "no disco key");
      continue;
    }
    wireguard::peer_config c;
    c.public_key = std::get<crypto::node_public>(key);
    for (auto& a : p.allowed_ips)
      if (auto pfx = wireguard::ip_prefix::parse(a))
        c.allowed_ips.push_back(*pfx);
    std::optional<wireguard::udp_address> first, first_v4;
    for (auto& e : p.endpoints)
      if (auto u = wireguard::udp_address::parse(e)) {
        if (!first)
          first = u;
        if (!first_v4 && u->ip.family == wireguard::ip_family::v4)
          first_v4 = u;
      }
    c.endpoint = first_v4 ? first_v4 : first;
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<netstack::ip_prefix> overlay_addresses(const tailnet_node& self) {
  std::vector<netstack::ip_prefix> out;
  for (auto& a : self.addresses)
    if (auto p = netstack::ip_prefix::parse(a))
      out.push_back(*p);
  return out;
}

netmap_subscriber::behavior_type netmap_sink(netmap_subscriber::stateful_pointer<netmap_sink_state>,
                                             std::function<void(const tailnet_map&)> apply) {
  return {[apply](netmap_atom, const tailnet_map& m) { apply(m); }};
}

} // namespace tsnode
