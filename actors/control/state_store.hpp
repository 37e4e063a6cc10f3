#pragma once
/// @file
/// The node's identity on disk (issue 7): `<dir>/tsnode-state` in the format of
/// control/state.hpp. A plain function, usable without an actor system: the node façade reads
/// the node key from it too, because the node key is the WireGuard static key.
///
/// Rules: the directory is created 0700 when missing; the file is written 0600 through a
/// temporary file and rename() (never half-written); a file that cannot be read, does not parse,
/// or can be read or written by group or others is an error, never a reason to make a new
/// identity silently. The disco key is not stored: it is fresh each start.

#include <filesystem>
#include <optional>
#include <string>
#include <variant>

#include "control/state.hpp"
#include "crypto/random.hpp"

namespace tsnode {

/// The file name inside the state directory.
inline constexpr const char* state_file_name = "tsnode-state";

/// A loaded (or just created) identity.
struct loaded_state {
  control::node_state keys;
  bool created = false; ///< no state file existed: the keys are new (first start)
  std::filesystem::path file;
};

/// Returns the identity kept in `dir`, creating `dir` (0700) and a new identity (0600) when the
/// file does not exist. Errors are whole sentences naming the file, e.g. "state file
/// /var/lib/tsnode/tsnode-state: line 3: machine_key: not a key (bad hex digit)"; the caller
/// should stop (exit code 1 in the tools) rather than continue with another identity.
std::variant<loaded_state, std::string> load_or_create_state(const std::filesystem::path& dir,
                                                             crypto::random_source& rng
                                                             = crypto::system_random::instance());

/// Writes `keys` to `<dir>/tsnode-state` atomically (temp file 0600, fsync, rename). Returns an
/// error sentence, or nullopt on success.
std::optional<std::string> save_state(const std::filesystem::path& dir,
                                      const control::node_state& keys);

} // namespace tsnode
