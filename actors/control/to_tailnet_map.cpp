#include "actors/control/to_tailnet_map.hpp"

#include <algorithm>
#include <cctype>

namespace tsnode {

namespace {

std::string dns_name(std::string_view fqdn) {
  if (!fqdn.empty() && fqdn.back() == '.')
    fqdn.remove_suffix(1);
  std::string out(fqdn);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::int64_t unix_ms(const std::optional<control::wall_time>& t) {
  if (!t || *t == control::go_zero_time)
    return 0;
  return t->time_since_epoch().count();
}

} // namespace

tailnet_node to_tailnet_node(const control::node& n) {
  tailnet_node out;
  out.id = n.id;
  out.name = dns_name(n.name);
  out.hostname = n.hostname;
  out.os = n.os;
  auto addrs = n.addresses;
  // IPv4 first, each family in the server's order.
  std::stable_sort(addrs.begin(), addrs.end(),
                   [](const control::ip_prefix& a, const control::ip_prefix& b) {
                     return !a.addr.v6 && b.addr.v6;
                   });
  for (auto& a : addrs)
    out.addresses.push_back(a.addr.to_string());
  for (auto& p : n.allowed_ips)
    out.allowed_ips.push_back(p.to_string());
  out.node_key = n.key.to_text();
  out.disco_key = n.disco_key.is_zero() ? std::string{} : n.disco_key.to_text();
  for (auto& e : n.endpoints)
    out.endpoints.push_back(e.to_string());
  out.home_derp = n.home_derp;
  out.online_known = n.online.has_value();
  out.online = n.online.value_or(false);
  out.key_expiry_unix_ms = unix_ms(n.key_expiry);
  out.expired = n.expired;
  return out;
}

tailnet_map to_tailnet_map(const control::netmap& nm) {
  tailnet_map out;
  if (nm.self)
    out.self = to_tailnet_node(*nm.self);
  for (auto& [id, p] : nm.peers) // std::map: sorted by id
    out.peers.push_back(to_tailnet_node(p));
  out.domain = dns_name(nm.magic_dns_suffix());
  out.magic_dns = nm.dns.proxied;
  return out;
}

} // namespace tsnode
