// tsproxy: a loopback SOCKS5 / HTTP CONNECT proxy into a WireGuard network (and, with a later
// release, a tailnet). See `tsproxy --help`.
#include <cstdio>
#include <string>
#include <vector>

#include "tools/tsproxy/options.hpp"
#include "tools/tsproxy/run.hpp"
#include "tools/tsproxy/self_check.hpp"

namespace {

constexpr const char* version = "0.2.0";

int self_check() {
  int failed = 0;
  for (auto& r : tsnode::tools::run_self_check()) {
    std::printf("%-4s %-45s %s\n", r.ok ? "ok" : "FAIL", r.name.c_str(), r.detail.c_str());
    failed += r.ok ? 0 : 1;
  }
  if (failed) {
    std::printf("self-check: %d check(s) FAILED\n", failed);
    return 1;
  }
  std::printf("self-check: all checks passed\n");
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  using namespace tsnode::tools;
  if (argc < 2) {
    std::fputs(usage_text, stderr);
    return 2;
  }
  auto parsed = parse_options({argv + 1, argv + argc});
  if (auto* err = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "tsproxy: %s\n", err->c_str());
    return 2;
  }
  auto& o = std::get<options>(parsed);
  switch (o.cmd) {
    case command::help:
      std::fputs(usage_text, stdout);
      return 0;
    case command::version:
      std::printf("tsproxy %s\n", version);
      return 0;
    case command::self_check:
      return self_check();
    case command::status:
      return run_status(o);
    case command::run:
      return run_proxy(o);
  }
  return 2;
}
