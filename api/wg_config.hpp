#pragma once
/// @file
/// Turns a wg-quick file into a node_config (static WireGuard mode), for the sync façade and
/// the C API. As wg-quick does, Endpoint host names are resolved once, here, with the host's
/// resolver (the only host DNS lookup the node makes; overlay names never reach it).

#include <string>
#include <variant>

#include "actors/node.hpp"

namespace tsnode::api {

/// Returns the node configuration described by the wg-quick file at `path`, or a message
/// naming the file (and line) that says what is wrong. Never throws.
std::variant<node_config, std::string> node_config_from_wg_quick(const std::string& path);

} // namespace tsnode::api
