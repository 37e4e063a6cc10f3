#include "wireguard/allowed_ips.hpp"

#include <algorithm>

namespace tsnode::wireguard {

namespace {

std::uint64_t high_mask(unsigned bits) noexcept {
  return bits == 0 ? 0 : bits >= 64 ? ~std::uint64_t{0} : ~std::uint64_t{0} << (64 - bits);
}

} // namespace

allowed_ips::key allowed_ips::masked(const ip_address& a, std::uint8_t bits) noexcept {
  key k;
  if (a.family == ip_family::v4) {
    k.hi = static_cast<std::uint64_t>(load_be32(a.bytes.data())) << 32;
    k.hi &= high_mask(bits);
    return k;
  }
  k.hi = load_be64(a.bytes.data()) & high_mask(bits);
  k.lo = bits > 64 ? load_be64(a.bytes.data() + 8) & high_mask(bits - 64u) : 0;
  return k;
}

void allowed_ips::insert(const ip_prefix& prefix, peer_id peer) {
  const auto bits = std::min(prefix.bits, prefix.address.bit_width());
  auto& tables = tables_for(prefix.address.family);
  auto at
    = std::find_if(tables.begin(), tables.end(), [bits](const table& t) { return t.bits <= bits; });
  if (at == tables.end() || at->bits != bits)
    at = tables.insert(at, table{bits, {}});
  at->entries[masked(prefix.address, bits)] = peer;
}

bool allowed_ips::remove(const ip_prefix& prefix, peer_id peer) {
  auto& tables = tables_for(prefix.address.family);
  auto at = std::find_if(tables.begin(), tables.end(),
                         [&](const table& t) { return t.bits == prefix.bits; });
  if (at == tables.end())
    return false;
  auto entry = at->entries.find(masked(prefix.address, prefix.bits));
  if (entry == at->entries.end() || entry->second != peer)
    return false;
  at->entries.erase(entry);
  if (at->entries.empty())
    tables.erase(at);
  return true;
}

void allowed_ips::remove_peer(peer_id peer) {
  for (auto* tables : {&v4_, &v6_}) {
    for (auto& t : *tables)
      std::erase_if(t.entries, [peer](const auto& e) { return e.second == peer; });
    std::erase_if(*tables, [](const table& t) { return t.entries.empty(); });
  }
}

std::optional<peer_id> allowed_ips::lookup(const ip_address& a) const noexcept {
  for (const auto& t : tables_for(a.family)) {
    auto entry = t.entries.find(masked(a, t.bits));
    if (entry != t.entries.end())
      return entry->second;
  }
  return std::nullopt;
}

std::vector<ip_prefix> allowed_ips::prefixes_of(peer_id peer) const {
  std::vector<ip_prefix> out;
  for (auto family : {ip_family::v4, ip_family::v6}) {
    for (const auto& t : tables_for(family)) {
      for (const auto& [k, owner] : t.entries) {
        if (owner != peer)
          continue;
        ip_prefix p;
        p.address.family = family;
        p.bits = t.bits;
        if (family == ip_family::v4) {
          store_be32(p.address.bytes.data(), static_cast<std::uint32_t>(k.hi >> 32));
        } else {
          store_be64(p.address.bytes.data(), k.hi);
          store_be64(p.address.bytes.data() + 8, k.lo);
        }
        out.push_back(p);
      }
    }
  }
  return out;
}

std::size_t allowed_ips::size() const noexcept {
  std::size_t n = 0;
  for (const auto* tables : {&v4_, &v6_})
    for (const auto& t : *tables)
      n += t.entries.size();
  return n;
}

} // namespace tsnode::wireguard
