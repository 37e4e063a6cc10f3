#include "control/netmap.hpp"

#include <algorithm>
#include <set>

#include "control/json_util.hpp"

namespace tsnode::control {

using namespace detail;

namespace {

/// tailcfg.DerpMagicIP: the legacy Node.DERP string is "127.3.3.40:<region>".
constexpr std::string_view derp_magic_prefix = "127.3.3.40:";

/// Go's upgradeNode: the region of a legacy "127.3.3.40:N" DERP string, or 0.
int legacy_derp_region(std::string_view s) {
  if (s.substr(0, derp_magic_prefix.size()) != derp_magic_prefix)
    return 0;
  s.remove_prefix(derp_magic_prefix.size());
  bool neg = !s.empty() && s[0] == '-';
  if (neg || (!s.empty() && s[0] == '+'))
    s.remove_prefix(1);
  if (s.empty() || s.size() > 9)
    return 0;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return 0;
    v = v * 10 + (c - '0');
  }
  return neg ? -v : v;
}

cap_map decode_cap_map(const json& j, const json_path& p) {
  expect_object(j, p);
  cap_map out;
  for (auto& [k, v] : j.items()) {
    if (!v.is_null() && !v.is_array())
      fail(control_errc::bad_field, p.child(k), "not an array");
    out[k] = v.dump();
  }
  return out;
}

node decode_node(const json& j, const json_path& p) {
  expect_object(j, p);
  node n;
  n.id = get_int(j, "ID", p);
  n.stable_id = get_string(j, "StableID", p);
  n.name = get_string(j, "Name", p);
  n.user = get_int(j, "User", p);
  if (auto k = get_key<crypto::node_public>(j, "Key", p))
    n.key = *k;
  n.key_expiry = get_time(j, "KeyExpiry", p);
  if (auto k = get_key<crypto::machine_public>(j, "Machine", p))
    n.machine = *k;
  if (auto k = get_key<crypto::disco_public>(j, "DiscoKey", p))
    n.disco_key = *k;
  n.addresses = get_prefixes(j, "Addresses", p);
  // Capability 112: absent/null AllowedIPs means "same as Addresses" (Go upgradeNode).
  if (find(j, "AllowedIPs"))
    n.allowed_ips = get_prefixes(j, "AllowedIPs", p);
  else
    n.allowed_ips = n.addresses;
  n.endpoints = get_ip_ports(j, "Endpoints", p);
  n.home_derp = get_int32(j, "HomeDERP", p);
  // Capability 111 replaced "DERP":"127.3.3.40:N" with HomeDERP; convert when only the legacy
  // form is set (Go upgradeNode).
  if (auto legacy = get_string(j, "DERP", p); !legacy.empty() && n.home_derp == 0)
    n.home_derp = legacy_derp_region(legacy);
  if (auto* h = find(j, "Hostinfo")) {
    auto ph = p.child("Hostinfo");
    expect_object(*h, ph);
    n.hostname = get_string(*h, "Hostname", ph);
    n.os = get_string(*h, "OS", ph);
  }
  n.cap = get_int32(j, "Cap", p);
  n.tags = get_strings(j, "Tags", p);
  n.primary_routes = get_prefixes(j, "PrimaryRoutes", p);
  n.last_seen = get_time(j, "LastSeen", p);
  if (auto* o = find(j, "Online"))
    n.online = as_bool(*o, p.child("Online"));
  n.machine_authorized = get_bool(j, "MachineAuthorized", p);
  n.expired = get_bool(j, "Expired", p);
  n.is_wireguard_only = get_bool(j, "IsWireGuardOnly", p);
  if (auto* c = find(j, "CapMap"))
    n.caps = decode_cap_map(*c, p.child("CapMap"));
  // Go folds the deprecated Capabilities into CapMap with no arguments.
  for (auto& c : get_strings(j, "Capabilities", p))
    n.caps.try_emplace(c, "null");
  return n;
}

std::vector<node> decode_nodes(const json& j, std::string_view key, const json_path& p) {
  std::vector<node> out;
  for_each(j, key, p, [&](const json& e, const json_path& pe) {
    // A null entry would be a nil *Node in Go (which would crash it): skip it.
    if (!e.is_null())
      out.push_back(decode_node(e, pe));
  });
  return out;
}

derp_node decode_derp_node(const json& j, const json_path& p) {
  expect_object(j, p);
  derp_node n;
  n.name = get_string(j, "Name", p);
  n.region_id = get_int32(j, "RegionID", p);
  n.host_name = get_string(j, "HostName", p);
  n.cert_name = get_string(j, "CertName", p);
  n.ipv4 = get_string(j, "IPv4", p);
  n.ipv6 = get_string(j, "IPv6", p);
  n.stun_port = get_int32(j, "STUNPort", p);
  n.stun_only = get_bool(j, "STUNOnly", p);
  n.derp_port = get_int32(j, "DERPPort", p);
  n.insecure_for_tests = get_bool(j, "InsecureForTests", p);
  n.stun_test_ip = get_string(j, "STUNTestIP", p);
  n.can_port80 = get_bool(j, "CanPort80", p);
  return n;
}

derp_region decode_derp_region(const json& j, const json_path& p) {
  expect_object(j, p);
  derp_region r;
  r.region_id = get_int32(j, "RegionID", p);
  r.region_code = get_string(j, "RegionCode", p);
  r.region_name = get_string(j, "RegionName", p);
  r.latitude = get_double(j, "Latitude", p);
  r.longitude = get_double(j, "Longitude", p);
  r.avoid = get_bool(j, "Avoid", p);
  r.no_measure_no_home = get_bool(j, "NoMeasureNoHome", p);
  for_each(j, "Nodes", p, [&](const json& e, const json_path& pe) {
    if (!e.is_null())
      r.nodes.push_back(decode_derp_node(e, pe));
  });
  return r;
}

int region_key(std::string_view k, const json_path& p) {
  auto v = as_int_key(k, p);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    fail(control_errc::bad_field, p.child(k), "region ID out of range");
  return static_cast<int>(v);
}

derp_map_update decode_derp_map(const json& j, const json_path& p) {
  expect_object(j, p);
  derp_map_update d;
  if (auto* regions = find(j, "Regions")) {
    auto pr = p.child("Regions");
    expect_object(*regions, pr);
    d.regions.emplace();
    for (auto& [k, v] : regions->items()) {
      auto id = region_key(k, pr);
      // §4.3: headscale was seen sending null regions; Go deletes them.
      if (!v.is_null())
        (*d.regions)[id] = decode_derp_region(v, pr.child(k));
    }
  }
  d.omit_default_regions = get_bool(j, "omitDefaultRegions", p);
  if (auto* hp = find(j, "HomeParams")) {
    auto ph = p.child("HomeParams");
    expect_object(*hp, ph);
    if (auto* rs = find(*hp, "RegionScore")) {
      auto prs = ph.child("RegionScore");
      expect_object(*rs, prs);
      d.region_score.emplace();
      for (auto& [k, v] : rs->items())
        (*d.region_score)[region_key(k, prs)] = v.is_null() ? 0.0 : as_double(v, prs.child(k));
    }
  }
  return d;
}

std::vector<dns_resolver> decode_resolvers(const json& j, std::string_view key,
                                           const json_path& p) {
  std::vector<dns_resolver> out;
  for_each(j, key, p, [&](const json& e, const json_path& pe) {
    if (e.is_null())
      return;
    expect_object(e, pe);
    dns_resolver r;
    r.addr = get_string(e, "Addr", pe);
    r.bootstrap_resolution = get_strings(e, "BootstrapResolution", pe);
    r.use_with_exit_node = get_bool(e, "UseWithExitNode", pe);
    out.push_back(std::move(r));
  });
  return out;
}

dns_config decode_dns(const json& j, const json_path& p) {
  expect_object(j, p);
  dns_config d;
  d.resolvers = decode_resolvers(j, "Resolvers", p);
  if (auto* routes = find(j, "Routes")) {
    auto pr = p.child("Routes");
    expect_object(*routes, pr);
    for (auto& [k, v] : routes->items()) {
      if (!v.is_null() && !v.is_array())
        fail(control_errc::bad_field, pr.child(k), "not an array");
      json wrapper = json::object({{"r", v}});
      d.routes[k] = decode_resolvers(wrapper, "r", pr.child(k));
    }
  }
  d.fallback_resolvers = decode_resolvers(j, "FallbackResolvers", p);
  d.domains = get_strings(j, "Domains", p);
  d.proxied = get_bool(j, "Proxied", p);
  d.nameservers = get_strings(j, "Nameservers", p);
  d.cert_domains = get_strings(j, "CertDomains", p);
  for_each(j, "ExtraRecords", p, [&](const json& e, const json_path& pe) {
    if (e.is_null())
      return;
    expect_object(e, pe);
    d.extra_records.push_back(
      dns_record{get_string(e, "Name", pe), get_string(e, "Type", pe), get_string(e, "Value", pe)});
  });
  d.exit_node_filtered_set = get_strings(j, "ExitNodeFilteredSet", p);
  return d;
}

std::vector<filter_rule> decode_rules(const json& a, const json_path& p) {
  if (!a.is_array())
    fail(control_errc::bad_field, p, "not an array");
  std::vector<filter_rule> out;
  std::size_t i = 0;
  for (auto& e : a) {
    auto pe = p.at(i++);
    filter_rule r;
    if (!e.is_null()) { // a null FilterRule (not a pointer in Go) is the zero rule
      expect_object(e, pe);
      r.src_ips = get_strings(e, "SrcIPs", pe);
      r.src_bits = get_ints(e, "SrcBits", pe);
      for_each(e, "DstPorts", pe, [&](const json& d, const json_path& pd) {
        net_port_range npr;
        if (!d.is_null()) {
          expect_object(d, pd);
          npr.ip = get_string(d, "IP", pd);
          if (auto* b = find(d, "Bits"))
            npr.bits = static_cast<int>(as_int(*b, pd.child("Bits"), 0, 128));
          if (auto* ports = find(d, "Ports")) {
            auto pp = pd.child("Ports");
            expect_object(*ports, pp);
            npr.ports.first = static_cast<std::uint16_t>(get_int(*ports, "First", pp, 0, 65535));
            npr.ports.last = static_cast<std::uint16_t>(get_int(*ports, "Last", pp, 0, 65535));
          }
        }
        r.dst_ports.push_back(std::move(npr));
      });
      r.ip_proto = get_ints(e, "IPProto", pe);
      if (auto* cg = find(e, "CapGrant"))
        r.cap_grant_json = cg->dump();
    }
    out.push_back(std::move(r));
  }
  return out;
}

peer_change decode_peer_change(const json& j, const json_path& p) {
  expect_object(j, p);
  peer_change c;
  c.id = get_int(j, "NodeID", p);
  c.derp_region = get_int32(j, "DERPRegion", p);
  c.cap = get_int32(j, "Cap", p);
  if (find(j, "Endpoints"))
    c.endpoints = get_ip_ports(j, "Endpoints", p);
  c.key = get_key<crypto::node_public>(j, "Key", p);
  c.disco_key = get_key<crypto::disco_public>(j, "DiscoKey", p);
  if (auto* o = find(j, "Online"))
    c.online = as_bool(*o, p.child("Online"));
  // Pointers in Go: present means "set", even to the zero time (= never / unknown).
  if (auto* t = find(j, "LastSeen"))
    c.last_seen = as_time(*t, p.child("LastSeen"));
  if (auto* t = find(j, "KeyExpiry"))
    c.key_expiry = as_time(*t, p.child("KeyExpiry"));
  if (auto* m = find(j, "CapMap"))
    c.caps = decode_cap_map(*m, p.child("CapMap"));
  return c;
}

std::vector<std::pair<node_id, bool>> decode_id_bools(const json& j, std::string_view key,
                                                      const json_path& p) {
  std::vector<std::pair<node_id, bool>> out;
  auto* m = find(j, key);
  if (!m)
    return out;
  auto pk = p.child(key);
  expect_object(*m, pk);
  for (auto& [k, v] : m->items())
    out.emplace_back(as_int_key(k, pk), v.is_null() ? false : as_bool(v, pk.child(k)));
  return out;
}

map_response decode(const json& j) {
  json_path p;
  map_response m;
  m.keep_alive = get_bool(j, "KeepAlive", p);
  if (auto* n = find(j, "Node"))
    m.self = decode_node(*n, p.child("Node"));
  m.peers = decode_nodes(j, "Peers", p);
  m.peers_changed = decode_nodes(j, "PeersChanged", p);
  for_each(j, "PeersRemoved", p,
           [&](const json& e, const json_path& pe) { m.peers_removed.push_back(as_int(e, pe)); });
  for_each(j, "PeersChangedPatch", p, [&](const json& e, const json_path& pe) {
    if (!e.is_null())
      m.peers_changed_patch.push_back(decode_peer_change(e, pe));
  });
  m.peer_seen_change = decode_id_bools(j, "PeerSeenChange", p);
  m.online_change = decode_id_bools(j, "OnlineChange", p);
  if (auto* d = find(j, "DERPMap"))
    m.derp = decode_derp_map(*d, p.child("DERPMap"));
  if (auto* d = find(j, "DNSConfig"))
    m.dns = decode_dns(*d, p.child("DNSConfig"));
  // Trap #10: the legacy whole filter and the named chunks headscale sends.
  if (auto* pf = find(j, "PacketFilter"))
    m.packet_filter = decode_rules(*pf, p.child("PacketFilter"));
  if (auto* pfs = find(j, "PacketFilters")) {
    auto pp = p.child("PacketFilters");
    expect_object(*pfs, pp);
    m.packet_filters.emplace();
    for (auto& [k, v] : pfs->items()) {
      std::optional<std::vector<filter_rule>> rules;
      if (!v.is_null())
        rules = decode_rules(v, pp.child(k));
      m.packet_filters->emplace_back(k, std::move(rules));
    }
  }
  for_each(j, "UserProfiles", p, [&](const json& e, const json_path& pe) {
    if (e.is_null())
      return;
    expect_object(e, pe);
    m.user_profiles.push_back(user_profile{get_int(e, "ID", pe), get_string(e, "LoginName", pe),
                                           get_string(e, "DisplayName", pe),
                                           get_string(e, "ProfilePicURL", pe)});
  });
  m.domain = get_string(j, "Domain", p);
  m.control_time = get_time(j, "ControlTime", p);
  if (auto* pr = find(j, "PingRequest")) {
    auto pp = p.child("PingRequest");
    expect_object(*pr, pp);
    m.ping = ping_request{get_string(*pr, "URL", pp), get_bool(*pr, "URLIsNoise", pp),
                          get_bool(*pr, "Log", pp),   get_string(*pr, "Types", pp),
                          get_string(*pr, "IP", pp),  get_string(*pr, "Payload", pp)};
  }
  m.pop_browser_url = get_string(j, "PopBrowserURL", p);
  return m;
}

std::optional<wall_time> non_zero(wall_time t) {
  if (t == go_zero_time)
    return std::nullopt;
  return t;
}

} // namespace

std::variant<map_response, control_error> decode_map_response(std::string_view text) {
  auto parsed = parse_object(text, max_json_depth);
  if (auto* e = std::get_if<control_error>(&parsed))
    return std::move(*e);
  try {
    return decode(std::get<json>(parsed));
  } catch (const field_error& e) {
    return control_error{e.code, e.detail};
  } catch (const json::exception& e) {
    return control_error{control_errc::bad_json, e.what()};
  }
}

std::string netmap::magic_dns_suffix() const {
  if (!self)
    return {};
  std::string_view name = self->name;
  if (!name.empty() && name.back() == '.')
    name.remove_suffix(1);
  auto dot = name.find('.');
  if (dot == name.npos)
    return {};
  return std::string{name.substr(dot + 1)};
}

std::variant<map_update, control_error> map_session::apply(std::string_view json_text,
                                                           wall_time now) {
  auto decoded = decode_map_response(json_text);
  if (auto* e = std::get_if<control_error>(&decoded))
    return std::move(*e);
  return apply(std::move(std::get<map_response>(decoded)), now);
}

std::variant<map_update, control_error> map_session::apply(map_response m, wall_time now) {
  map_update u;
  u.ping = std::move(m.ping);
  u.pop_browser_url = std::move(m.pop_browser_url);
  if (m.keep_alive) {
    // §4.2: on a keep-alive everything but PingRequest, ControlTime, PopBrowserURL is ignored.
    if (m.control_time)
      map_.control_time = m.control_time;
    u.what = map_update::kind::keepalive;
    return u;
  }
  if (!started_) {
    // Trap #18: the first message is the full state; empty fields (omitempty) mean "none".
    if (!m.self)
      return control_error{control_errc::missing_self_node, {}};
    map_ = netmap{};
    started_ = true;
    u.what = map_update::kind::full;
  } else {
    u.what = map_update::kind::delta;
  }
  if (m.control_time)
    map_.control_time = m.control_time;

  // -- peers: Go updatePeersStateFromResponse, in its order ------------------------------------
  auto& peers = map_.peers;
  auto upsert = [&](node n) {
    auto [it, added] = peers.try_emplace(n.id);
    if (added)
      ++u.peers_added;
    else
      ++u.peers_updated;
    it->second = std::move(n);
  };
  if (!m.peers.empty()) {
    // Not delta encoded: replace everything and ignore the delta fields.
    std::set<node_id> keep;
    for (auto& n : m.peers) {
      keep.insert(n.id);
      upsert(std::move(n));
    }
    for (auto it = peers.begin(); it != peers.end();) {
      if (keep.count(it->first)) {
        ++it;
      } else {
        it = peers.erase(it);
        ++u.peers_removed;
      }
    }
  } else {
    for (auto id : m.peers_removed)
      u.peers_removed += peers.erase(id);
    for (auto& n : m.peers_changed)
      upsert(std::move(n));
    for (auto [id, seen] : m.peer_seen_change) {
      if (auto it = peers.find(id); it != peers.end()) {
        it->second.last_seen = seen ? std::optional<wall_time>{now} : std::nullopt;
        ++u.peers_updated;
      }
    }
    for (auto [id, online] : m.online_change) {
      if (auto it = peers.find(id); it != peers.end()) {
        it->second.online = online;
        ++u.peers_updated;
      }
    }
    for (auto& c : m.peers_changed_patch) {
      auto it = peers.find(c.id);
      if (it == peers.end())
        continue;
      ++u.peers_updated;
      auto& n = it->second;
      if (c.derp_region != 0)
        n.home_derp = c.derp_region;
      if (c.cap != 0)
        n.cap = c.cap;
      if (c.endpoints)
        n.endpoints = std::move(*c.endpoints);
      if (c.key)
        n.key = *c.key;
      if (c.disco_key)
        n.disco_key = *c.disco_key;
      if (c.online)
        n.online = *c.online;
      if (c.last_seen)
        n.last_seen = non_zero(*c.last_seen);
      if (c.key_expiry)
        n.key_expiry = non_zero(*c.key_expiry);
      if (c.caps)
        n.caps = std::move(*c.caps);
    }
  }
  u.peers_changed = u.peers_added + u.peers_removed + u.peers_updated > 0;

  // -- the rest: Go updateStateFromResponse ---------------------------------------------------
  if (m.self) {
    u.self_changed = !map_.self || *map_.self != *m.self;
    map_.self = std::move(m.self);
  }
  for (auto& up : m.user_profiles)
    map_.user_profiles[up.id] = std::move(up);
  if (m.derp) {
    // Zero-valued parts of a DERPMap mean "keep the previous value".
    derp_map next = map_.derp;
    if (m.derp->regions) {
      next.regions = std::move(*m.derp->regions);
      next.omit_default_regions = m.derp->omit_default_regions;
    }
    if (m.derp->region_score)
      next.region_score = std::move(*m.derp->region_score);
    u.derp_changed = !(next == map_.derp);
    map_.derp = std::move(next);
  }
  if (m.packet_filter || m.packet_filters) {
    auto& named = map_.named_packet_filters;
    if (m.packet_filter)
      named["base"] = std::move(*m.packet_filter);
    if (m.packet_filters) {
      // Trap #10: "*": null clears every named filter before the others apply.
      for (auto& [name, rules] : *m.packet_filters)
        if (name == "*" && !rules)
          named.clear();
      for (auto& [name, rules] : *m.packet_filters) {
        if (name == "*")
          continue;
        if (rules)
          named[name] = std::move(*rules);
        else
          named.erase(name);
      }
    }
    std::vector<filter_rule> concat;
    for (auto& [name, rules] : named) // std::map: sorted by name, as Go sorts the keys
      concat.insert(concat.end(), rules.begin(), rules.end());
    u.packet_filter_changed = concat != map_.packet_filter;
    map_.packet_filter = std::move(concat);
  }
  if (m.dns) {
    u.dns_changed = *m.dns != map_.dns;
    map_.dns = std::move(*m.dns);
  }
  if (!m.domain.empty())
    map_.domain = std::move(m.domain);
  return u;
}

} // namespace tsnode::control
