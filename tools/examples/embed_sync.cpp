// embed_sync: tsnode in a C++ application without actors, through the synchronous façade
// tsnode::sync_node (README "Embedding", way 2): start, dial a web server in the overlay and
// print its reply, then start the loopback proxy and print the ALL_PROXY line.
//
// usage: embed_sync WG_CONF HOST:PORT PATH [NAME=IP ...]
//   stdout: the HTTP reply; stderr: the ALL_PROXY line and the dial latency. Runs until end of
//   input.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

#include "api/sync_node.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s WG_CONF HOST:PORT PATH [NAME=IP ...]\n", argv[0]);
    return 2;
  }
  std::string address = argv[2];
  std::string request = std::string{"GET "} + argv[3] + " HTTP/1.0\r\n\r\n";
  tsnode::sync_config cfg;
  cfg.wg_config = argv[1];
  for (int i = 4; i < argc; ++i) {
    std::string kv = argv[i];
    auto eq = kv.find('=');
    if (eq == std::string::npos)
      return 2;
    cfg.hosts[kv.substr(0, eq)].push_back(kv.substr(eq + 1));
  }

  // README:begin sync
  tsnode::sync_node node;
  if (auto e = node.start(cfg)) {
    std::cerr << "start: " << e.message << "\n";
    return 1;
  }
  int fd = -1;
  if (auto e = node.dial("tcp", address, fd)) { // e.g. "web:8080"
    std::cerr << e.message << "\n";
    return 1;
  }
  [[maybe_unused]] auto w = ::write(fd, request.data(), request.size());
  char buf[16384];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
    std::fwrite(buf, 1, static_cast<std::size_t>(n), stdout);
  ::close(fd);

  tsnode::loopback_info proxy;
  if (auto e = node.loopback(proxy)) {
    std::cerr << e.message << "\n";
    return 1;
  }
  std::cerr << "ALL_PROXY=" << proxy.socks5_url << std::endl;
  // README:end
  std::fflush(stdout);
  // Dial latency (resolve + overlay TCP handshake + splice set-up), the peer already known.
  std::vector<double> ms;
  for (int i = 0; i < 9; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    if (node.dial("tcp", address, fd))
      break;
    ms.push_back(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    ::close(fd);
  }
  std::sort(ms.begin(), ms.end());
  if (!ms.empty())
    std::cerr << "dial latency over " << ms.size() << " dials: min " << ms.front() << " ms, median "
              << ms[ms.size() / 2] << " ms, max " << ms.back() << " ms" << std::endl;

  while (std::getchar() != EOF) {
    // run until end of input
  }
  node.stop();
  return 0;
}
