// embed_actor: tsnode embedded in an application that already runs a CAF actor system
// (README "Embedding", way 1). Its own actor (fetch_actor.hpp) asks the node's resolver for a
// name and the netstack for an overlay TCP connection, sends an HTTP request and prints the
// reply; then the program starts the loopback proxy and prints the ALL_PROXY line.
//
// usage: embed_actor WG_CONF HOST:PORT PATH [NAME=IP ...]
//   stdout: the HTTP reply; stderr: progress and the ALL_PROXY line. Runs until end of input.
#include <caf/all.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "api/tsnode.hpp" // the node, its typed actor interfaces and their messages
#include "fetch_actor.hpp"

namespace {

// README:begin actor-config
class app_config : public caf::actor_system_config {
public:
  app_config() {
    add_message_types<caf::id_block::tsnode>(); // the node's messages
  }
};
// README:end

int run(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s WG_CONF HOST:PORT PATH [NAME=IP ...]\n", argv[0]);
    return 2;
  }
  std::string target = argv[2];
  auto colon = target.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "%s: HOST:PORT wanted, got %s\n", argv[0], argv[2]);
    return 2;
  }
  auto host = target.substr(0, colon);
  auto port = static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1)));
  auto request = std::string{"GET "} + argv[3] + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n";

  auto loaded = tsnode::api::node_config_from_wg_quick(argv[1]);
  if (auto* why = std::get_if<std::string>(&loaded)) {
    std::fprintf(stderr, "%s: %s\n", argv[0], why->c_str());
    return 2;
  }
  auto cfg = std::move(std::get<tsnode::node_config>(loaded));
  for (int i = 4; i < argc; ++i) {
    std::string kv = argv[i];
    auto eq = kv.find('=');
    if (eq == std::string::npos)
      return 2;
    cfg.hosts[kv.substr(0, eq)].push_back(kv.substr(eq + 1));
  }

  // README:begin actor
  app_config app_cfg;
  caf::actor_system sys{app_cfg}; // the application's own actor system
  tsnode::node node{sys, std::move(cfg)};
  caf::scoped_actor self{sys};
  // Our actor talks to the node's typed actors: resolver() and netstack().
  sys.spawn(tsnode::examples::fetcher, node.resolver(), node.netstack(), host, port, request,
            caf::actor{self}, caf::timespan{std::chrono::seconds(30)});
  bool fetched = false;
  self->receive([&](bool ok, const std::string& text) {
    fetched = ok;
    std::fwrite(text.data(), 1, text.size(), ok ? stdout : stderr);
  });
  if (!fetched)
    return 1;
  auto proxy = node.loopback(tsnode::listener_config{});
  std::cerr << "ALL_PROXY=" << proxy->socks5_url() << std::endl;
  // README:end
  std::fflush(stdout);

  while (std::getchar() != EOF) {
    // run until end of input
  }
  // Shutdown (caf-asio.md §6): stop accepting and end the listener; it posts to the node's
  // engine on its way out, so wait until it is down; then the node goes, then `sys`.
  auto listener = proxy->actor();
  self->monitor(listener);
  proxy.reset();
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {}, caf::after(std::chrono::seconds(5)) >> [] {});
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("embed_actor"));
  spdlog::set_level(spdlog::level::warn);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    return 1;
  }
}
