#include "actors/resolver.hpp"

#include <caf/all.hpp>

#include "netstack/ip.hpp"

namespace tsnode {

std::string canonical_name(std::string_view name) {
  if (!name.empty() && name.back() == '.')
    name.remove_suffix(1);
  std::string out{name};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

namespace {

/// Indexes every FQDN of `hosts` under its first label (Go's short names: node_backend.go
/// `addNodeNameLocked`). Without a MagicDNS suffix to tell which domain is ours, a label that
/// begins two FQDNs maps to "" and resolves to nothing.
std::map<std::string, std::string>
index_short_names(const std::map<std::string, std::vector<std::string>>& hosts) {
  std::map<std::string, std::string> out;
  for (auto& [fqdn, addrs] : hosts) {
    auto dot = fqdn.find('.');
    if (dot == std::string::npos || dot == 0)
      continue;
    auto [i, added] = out.emplace(fqdn.substr(0, dot), fqdn);
    if (!added)
      i->second.clear();
  }
  return out;
}

} // namespace

resolver_actor::behavior_type
static_resolver(resolver_actor::stateful_pointer<static_resolver_state> self,
                std::map<std::string, std::vector<std::string>> hosts) {
  for (auto& [k, v] : hosts)
    self->state.hosts[canonical_name(k)] = v;
  self->state.short_names = index_short_names(self->state.hosts);
  return {
    [self](resolve_atom, const std::string& name) -> caf::result<resolve_result> {
      // An IP literal needs no table (clients send literals as names: anchors.md §4.3).
      if (auto ip = netstack::ip_address::parse(name))
        return resolve_result{ip->to_string(), {ip->to_string()}};
      auto& st = self->state;
      auto key = canonical_name(name);
      if (auto i = st.hosts.find(key); i != st.hosts.end())
        return resolve_result{key, i->second};
      if (auto s = st.short_names.find(key); s != st.short_names.end() && !s->second.empty())
        return resolve_result{s->second, st.hosts.at(s->second)};
      return caf::make_error(resolve_errc::no_such_host);
    },
  };
}

} // namespace tsnode
