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

resolver_actor::behavior_type
static_resolver(resolver_actor::stateful_pointer<static_resolver_state> self,
                std::map<std::string, std::vector<std::string>> hosts) {
  for (auto& [k, v] : hosts)
    self->state.hosts[canonical_name(k)] = v;
  return {
    [self](resolve_atom, const std::string& name) -> caf::result<resolve_result> {
      // An IP literal needs no table (clients send literals as names: anchors.md §4.3).
      if (auto ip = netstack::ip_address::parse(name))
        return resolve_result{ip->to_string(), {ip->to_string()}};
      auto key = canonical_name(name);
      if (auto i = self->state.hosts.find(key); i != self->state.hosts.end())
        return resolve_result{key, i->second};
      return caf::make_error(resolve_errc::no_such_host);
    },
  };
}

} // namespace tsnode
