// tsproxy: a loopback SOCKS5 / HTTP CONNECT proxy into a tailnet or a WireGuard network.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "tools/tsproxy/self_check.hpp"

namespace {

constexpr const char* version = "0.1.0";

constexpr const char* usage
  = R"(tsproxy - reach tailnet and WireGuard peers from 127.0.0.1, with no root and no TUN

USAGE
  tsproxy --self-check        check on this machine that crypto, the actor runtime and the
                              userspace TCP/IP stack work; exit 0 when all do
  tsproxy --version           print the version
  tsproxy --help              this text

STATUS
  This build is the foundation release: the proxy modes (--wg-config for a plain WireGuard
  peer, --control-url/--authkey for a tailnet) arrive with the next releases. Until then,
  tsproxy can only check itself.

EXIT STATUS
  0 success, 1 a self-check failed, 2 a bad command line.
)";

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
  if (argc < 2) {
    std::fputs(usage, stderr);
    return 2;
  }
  std::string_view arg = argv[1];
  if (argc == 2 && (arg == "--help" || arg == "-h")) {
    std::fputs(usage, stdout);
    return 0;
  }
  if (argc == 2 && arg == "--version") {
    std::printf("tsproxy %s\n", version);
    return 0;
  }
  if (argc == 2 && arg == "--self-check")
    return self_check();
  std::fprintf(stderr, "tsproxy: unknown argument '%s' (see tsproxy --help)\n", argv[1]);
  return 2;
}
