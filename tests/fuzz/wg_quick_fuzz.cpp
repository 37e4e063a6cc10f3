// libFuzzer target: the wg-quick parser (wireguard/wg_quick.hpp). Any input must parse or fail
// with a message of printable ASCII on a real line, never crash. What parses must hold the
// parser's promises (one private key source, distinct non-zero peer keys, masked allowed IPs,
// ports and MTU in range) and must survive a print/parse round trip unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/base64.hpp"
#include "wireguard/wg_quick.hpp"

using namespace tsnode;
using namespace tsnode::wireguard;

namespace {

void require(bool ok) {
  if (!ok)
    std::abort();
}

void check_printable(const wg_quick_diagnostic& d, int lines) {
  require(!d.message.empty());
  require(d.line >= 0 && d.line <= lines);
  for (char c : d.message)
    require(c >= 0x20 && c <= 0x7e); // no terminal escapes from hostile files
}

/// Prints `c` back as a wg-quick file.
std::string print(const wg_quick_config& c) {
  std::string out = "[Interface]\n";
  if (c.private_key)
    out += "PrivateKey = " + crypto::key_to_base64(c.private_key->raw().bytes()) + "\n";
  if (c.private_key_file)
    out += "PrivateKeyFile = " + c.private_key_file->path + "\n";
  for (const auto& a : c.addresses)
    out += "Address = " + a.to_string() + "\n";
  if (c.listen_port)
    out += "ListenPort = " + std::to_string(*c.listen_port) + "\n";
  if (c.mtu)
    out += "MTU = " + std::to_string(*c.mtu) + "\n";
  for (const auto& p : c.peers) {
    out += "[Peer]\nPublicKey = " + crypto::key_to_base64(p.public_key.bytes) + "\n";
    if (p.preshared_key)
      out += "PresharedKey = " + crypto::key_to_base64(p.preshared_key->bytes()) + "\n";
    if (p.preshared_key_file)
      out += "PresharedKeyFile = " + p.preshared_key_file->path + "\n";
    if (p.endpoint)
      out += "Endpoint = " + p.endpoint->to_string() + "\n";
    for (const auto& a : p.allowed_ips)
      out += "AllowedIPs = " + a.to_string() + "\n";
    out += "PersistentKeepalive = " + std::to_string(p.persistent_keepalive) + "\n";
  }
  return out;
}

bool same(const wg_quick_config& a, const wg_quick_config& b) {
  if (a.private_key.has_value() != b.private_key.has_value()
      || (a.private_key && a.private_key->raw().bytes() != b.private_key->raw().bytes()))
    return false;
  if (a.private_key_file.has_value() != b.private_key_file.has_value()
      || (a.private_key_file && a.private_key_file->path != b.private_key_file->path))
    return false;
  if (a.addresses != b.addresses || a.listen_port != b.listen_port || a.mtu != b.mtu
      || a.peers.size() != b.peers.size())
    return false;
  for (std::size_t i = 0; i < a.peers.size(); ++i) {
    const auto& p = a.peers[i];
    const auto& q = b.peers[i];
    if (p.public_key != q.public_key || p.endpoint != q.endpoint || p.allowed_ips != q.allowed_ips
        || p.persistent_keepalive != q.persistent_keepalive
        || p.preshared_key.has_value() != q.preshared_key.has_value()
        || (p.preshared_key && p.preshared_key->bytes() != q.preshared_key->bytes())
        || p.preshared_key_file.has_value() != q.preshared_key_file.has_value()
        || (p.preshared_key_file && p.preshared_key_file->path != q.preshared_key_file->path))
      return false;
  }
  return true;
}

void check_config(wg_quick_config& c, int lines, std::string_view text) {
  require(c.private_key.has_value() != c.private_key_file.has_value());
  require(c.interface_line >= 1 && c.interface_line <= lines);
  for (const auto& n : c.notices)
    check_printable(n, lines);
  for (const auto& a : c.addresses)
    require(a.bits <= a.address.bit_width());
  if (c.mtu)
    require(*c.mtu >= 576);
  for (std::size_t i = 0; i < c.peers.size(); ++i) {
    const auto& p = c.peers[i];
    require(!p.public_key.is_zero());
    if (c.private_key)
      require(p.public_key != c.private_key->public_key());
    for (std::size_t j = 0; j < i; ++j)
      require(c.peers[j].public_key != p.public_key);
    require(p.line >= 1 && p.line <= lines);
    for (const auto& a : p.allowed_ips)
      require(ip_prefix::make(a.address, a.bits) == a); // masked
    if (p.endpoint) {
      require(p.endpoint->port != 0);
      require(!p.endpoint->address || p.endpoint->address->port == p.endpoint->port);
    }
    const bool converts = to_peer_config(p).has_value();
    require(
      converts
      == ((!p.endpoint || p.endpoint->address) && (!p.preshared_key_file || p.preshared_key)));
  }

  auto again = parse_wg_quick(print(c), "again.conf");
  const auto* d = std::get_if<wg_quick_config>(&again);
  require(d != nullptr && same(c, *d));

  // The pure key-file setters take any text without crashing.
  if (c.private_key_file)
    (void)set_private_key_from_file(c, text, "fuzz.conf");
  for (std::size_t i = 0; i < c.peers.size(); ++i)
    if (c.peers[i].preshared_key_file)
      (void)set_preshared_key_from_file(c, i, text, "fuzz.conf");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  int lines = 1;
  for (char ch : text)
    lines += ch == '\n';
  auto r = parse_wg_quick(text, "fuzz.conf");
  if (auto* e = std::get_if<wg_quick_error>(&r)) {
    check_printable(*e, lines);
    require(e->file == "fuzz.conf");
    return 0;
  }
  check_config(std::get<wg_quick_config>(r), lines, text);
  return 0;
}
