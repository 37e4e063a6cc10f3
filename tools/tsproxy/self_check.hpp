#pragma once
/// @file
/// `tsproxy --self-check`: proves on this machine that the pieces tsnode is built from work.

#include <string>
#include <vector>

namespace tsnode::tools {

/// One line of the self-check report.
struct check_result {
  std::string name;
  bool ok = false;
  std::string detail;
};

/// Runs every check (crypto known answers, the CSPRNG, the actor runtime, lwIP) and returns
/// one result per check. Never throws.
std::vector<check_result> run_self_check();

} // namespace tsnode::tools
