#pragma once
/// @file
/// tsproxy's two long-running commands.

#include "tools/tsproxy/options.hpp"

namespace tsnode::tools {

/// Runs the proxy until SIGINT/SIGTERM. Returns the exit status (0, 1 runtime, 2 config).
int run_proxy(const options& o);

/// Asks a running tsproxy for its status and prints it. Returns the exit status.
int run_status(const options& o);

} // namespace tsnode::tools
