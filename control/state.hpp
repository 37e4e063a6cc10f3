#pragma once
/// @file
/// The node's persistent identity as a small text file (issue 7; tailscale-protocol.md §1): the
/// machine key (the ts2021 static key, the device's identity toward control) and the node key
/// (the WireGuard static key), in their `privkey:` text forms (crypto/keys.hpp), plus the node
/// key being replaced while a rotation is in flight. Pure: text in, keys out; the shell
/// (actors/control/state_store.hpp) reads and writes the file.
///
/// ```
/// # tsnode node state: secret keys, keep it mode 0600
/// format=tsnode-state-1
/// machine_key=privkey:<64 hex>
/// node_key=privkey:<64 hex>
/// old_node_key=nodekey:<64 hex>      (only while a rotated key is not yet registered)
/// ```

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "crypto/keys.hpp"

namespace tsnode::control {

/// The value of the `format=` line this version writes and reads.
inline constexpr std::string_view state_format = "tsnode-state-1";
/// A state file larger than this is refused before parsing (a real one is ~200 bytes).
inline constexpr std::size_t max_state_size = 64 * 1024;

/// The keys of one node.
struct node_state {
  crypto::machine_private machine;
  crypto::node_private node;
  /// The previous node key while a rotation has not completed (RegisterRequest.OldNodeKey).
  std::optional<crypto::node_public> old_node;

  node_state clone() const { return {machine.clone(), node.clone(), old_node}; }
};

/// Returns a fresh identity: new machine and node keys from `rng`.
node_state generate_state(crypto::random_source& rng);

/// Returns the file text of `s` (the layout above, ending in a newline).
std::string format_state(const node_state& s);

/// Returns the keys of a state text, or an English sentence saying what is wrong and on which
/// line ("line 3: machine_key: not a key: bad_hex"). Strict on purpose: a file we cannot read
/// exactly is an error, never a reason to make a new identity. Blank lines and lines starting
/// with '#' are ignored; `format`, `machine_key` and `node_key` are required, each once; unknown
/// fields are refused; an all-zero private key is refused.
std::variant<node_state, std::string> parse_state(std::string_view text);

} // namespace tsnode::control
