#include "actors/peer_tracker.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <utility>

#include "actors/resolver.hpp"
#include "messages/errors.hpp"
#include "netstack/ip.hpp"

namespace tsnode {

namespace {

/// Canonical text of an IP literal ("" when `s` is none): v6 compressed and lowercase.
std::string canonical_ip(std::string_view s) {
  if (auto ip = netstack::ip_address::parse(std::string{s}))
    return ip->to_string();
  return {};
}

/// Adds `key -> i`; a key already taken by another node becomes ambiguous (SIZE_MAX).
void add_unique(std::map<std::string, std::size_t>& m, std::string key, std::size_t i) {
  if (key.empty())
    return;
  auto [it, added] = m.emplace(std::move(key), i);
  if (!added && it->second != i)
    it->second = SIZE_MAX;
}

const tailnet_node* lookup(const std::map<std::string, std::size_t>& m,
                           const std::vector<const tailnet_node*>& nodes, const std::string& key) {
  auto i = m.find(key);
  if (i == m.end() || i->second == SIZE_MAX)
    return nullptr;
  return nodes[i->second];
}

std::string lowercase(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

} // namespace

tailnet_index tailnet_index::build(const tailnet_map& m) {
  tailnet_index x;
  x.nodes.push_back(&m.self);
  for (auto& p : m.peers)
    x.nodes.push_back(&p);
  auto suffix = "." + canonical_name(m.domain);
  for (std::size_t i = 0; i < x.nodes.size(); ++i) {
    auto& n = *x.nodes[i];
    auto fqdn = canonical_name(n.name);
    if (!fqdn.empty()) {
      add_unique(x.by_name, fqdn, i);
      // Short names exist only under the tailnet's MagicDNS suffix (dnsmap.go HasSuffix).
      if (suffix.size() > 1 && fqdn.size() > suffix.size() && fqdn.ends_with(suffix))
        add_unique(x.by_name, fqdn.substr(0, fqdn.size() - suffix.size()), i);
    }
    for (auto& a : n.addresses)
      add_unique(x.by_ip, canonical_ip(a), i);
    add_unique(x.by_key, lowercase(n.node_key), i);
  }
  return x;
}

const tailnet_node* tailnet_index::find_name(std::string_view name) const {
  auto key = canonical_name(name);
  // "peer1.." or ".": canonical_name strips one dot only; anything left with an empty label
  // is no name at all.
  if (key.empty() || key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos)
    return nullptr;
  return lookup(by_name, nodes, key);
}

const tailnet_node* tailnet_index::find_ip(std::string_view ip) const {
  auto key = canonical_ip(ip);
  return key.empty() ? nullptr : lookup(by_ip, nodes, key);
}

const tailnet_node* tailnet_index::find_key(std::string_view key) const {
  return lookup(by_key, nodes, lowercase(key));
}

namespace {

using tracker_ptr = peer_tracker_actor::stateful_pointer<peer_tracker_state>;

const tailnet_node* find(const tailnet_index& ix, parked_lookup::kind_t k, const std::string& w) {
  switch (k) {
    case parked_lookup::name:
      return ix.find_name(w);
    case parked_lookup::ip:
      return ix.find_ip(w);
    case parked_lookup::key:
      return ix.find_key(w);
  }
  return nullptr;
}

/// Answers a lookup now, or parks it until the first netmap.
caf::result<tailnet_node> answer(tracker_ptr self, parked_lookup::kind_t k, std::string what) {
  auto& st = self->state;
  if (st.map) {
    if (auto* n = find(st.index, k, what))
      return *n;
    return caf::make_error(tailnet_errc::no_such_peer);
  }
  if (st.parked.size() + st.parked_maps.size() >= st.max_parked)
    return caf::make_error(tailnet_errc::not_ready);
  auto rp = self->make_response_promise<tailnet_node>();
  st.parked.push_back(parked_lookup{k, std::move(what), rp});
  return rp;
}

/// Takes a new netmap: reindexes, answers the parked, tells the subscribers.
void accept(tracker_ptr self, tailnet_map m) {
  auto& st = self->state;
  st.map = std::move(m);
  st.index = tailnet_index::build(*st.map);
  for (auto& p : std::exchange(st.parked, {})) {
    if (auto* n = find(st.index, p.kind, p.what))
      p.rp.deliver(*n);
    else
      p.rp.deliver(caf::make_error(tailnet_errc::no_such_peer));
  }
  for (auto& rp : std::exchange(st.parked_maps, {}))
    rp.deliver(*st.map);
  for (auto& s : st.subscribers)
    self->send(caf::actor_cast<netmap_subscriber>(s), netmap_atom_v, *st.map);
}

} // namespace

peer_tracker_actor::behavior_type peer_tracker(tracker_ptr self, std::size_t max_parked) {
  self->state.max_parked = max_parked;
  self->set_down_handler([self](const caf::down_msg& dm) {
    auto& subs = self->state.subscribers;
    subs.erase(std::remove(subs.begin(), subs.end(), dm.source), subs.end());
  });
  return {
    [self](netmap_atom, tailnet_map& m) { accept(self, std::move(m)); },
    [self](netmap_atom) -> caf::result<tailnet_map> {
      auto& st = self->state;
      if (st.map)
        return *st.map;
      if (st.parked.size() + st.parked_maps.size() >= st.max_parked)
        return caf::make_error(tailnet_errc::not_ready);
      auto rp = self->make_response_promise<tailnet_map>();
      st.parked_maps.push_back(rp);
      return rp;
    },
    [self](lookup_name_atom, std::string& name) {
      return answer(self, parked_lookup::name, std::move(name));
    },
    [self](lookup_ip_atom, std::string& ip) {
      return answer(self, parked_lookup::ip, std::move(ip));
    },
    [self](lookup_key_atom, std::string& key) {
      return answer(self, parked_lookup::key, std::move(key));
    },
    [self](subscribe_atom, caf::actor& sub) {
      if (!sub)
        return;
      self->monitor(sub);
      self->state.subscribers.push_back(sub);
      if (self->state.map)
        self->send(caf::actor_cast<netmap_subscriber>(sub), netmap_atom_v, *self->state.map);
    },
  };
}

} // namespace tsnode
