#pragma once
/// @file
/// Turns a wg-quick file into a node_config (static WireGuard mode), for the sync façade and
/// the C API. As wg-quick does, Endpoint host names are resolved once, here, with the host's
/// resolver (the only host DNS lookup the node makes; overlay names never reach it).

#include <optional>
#include <string>
#include <variant>

#include "actors/node.hpp"
#include "wireguard/wg_quick.hpp"

namespace tsnode::api {

/// Returns the node configuration described by the wg-quick file at `path`, or a message
/// naming the file (and line) that says what is wrong. Never throws.
std::variant<node_config, std::string> node_config_from_wg_quick(const std::string& path);

/// Resolves an Endpoint host name with the host's resolver (the first IPv4 or IPv6 answer);
/// nullopt with `why` on failure. tsproxy calls it again while a peer's handshakes fail, as
/// wg-quick's reresolve-dns.sh does.
std::optional<wireguard::udp_address> resolve_endpoint(const wireguard::wg_quick_endpoint& ep,
                                                       std::string& why);

/// The netstack's form of a WireGuard address (same bytes).
netstack::ip_address to_net(const wireguard::ip_address& a);

} // namespace tsnode::api
