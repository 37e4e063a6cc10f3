// control_probe: a control actor against a real control server, for
// tests/actors/control_live_test.sh and for hands-on debugging. It prints every netmap the actor
// publishes, and every change of control_status, as one JSON line on stdout; logs go to stderr.
// SIGINT/SIGTERM end it (exit 0).
//
//   control_probe --server URL --state DIR --hostname NAME [--authkey KEY] [--debug]
//                 [--keepalive-timeout S] [--connect-timeout S]
//
// Exit codes: 0 after a signal, 2 bad arguments or an unusable state file (the message says
// why), 3 the actor gave up (status "failed").
#include <caf/all.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "actors/control.hpp"
#include "actors/control/state_store.hpp"
#include "actors/engine/engine.hpp"
#include "messages/type_ids.hpp"

using namespace tsnode;

namespace {

nlohmann::json node_json(const tailnet_node& n) {
  return {{"id", n.id},
          {"name", n.name},
          {"hostname", n.hostname},
          {"addresses", n.addresses},
          {"node_key", n.node_key},
          {"disco_key", n.disco_key},
          {"online", n.online_known ? nlohmann::json(n.online) : nlohmann::json()},
          {"home_derp", n.home_derp}};
}

void print(const nlohmann::json& j) {
  std::cout << j.dump() << std::endl; // one line, flushed
}

/// The tracker stand-in: prints each netmap.
caf::behavior printer(caf::event_based_actor*) {
  return {
    [](netmap_atom, const tailnet_map& m) {
      nlohmann::json peers = nlohmann::json::array();
      for (auto& p : m.peers)
        peers.push_back(node_json(p));
      print({{"netmap",
              {{"generation", m.generation},
               {"domain", m.domain},
               {"magic_dns", m.magic_dns},
               {"self", node_json(m.self)},
               {"peers", peers}}}});
    },
  };
}

class probe_config : public caf::actor_system_config {
public:
  probe_config() {
    add_message_types<caf::id_block::tsnode>();
    set("scheduler.max-threads", 2);
  }
};

int usage(const char* why) {
  std::fprintf(stderr,
               "control_probe: %s\nusage: control_probe --server URL --state DIR --hostname NAME "
               "[--authkey KEY] [--debug] [--keepalive-timeout S] [--connect-timeout S]\n",
               why);
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  std::string server, state, hostname, authkey, keepalive, connect;
  bool debug = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc)
        return false;
      out = argv[++i];
      return true;
    };
    if (a == "--server"              ? !value(server)
        : a == "--state"             ? !value(state)
        : a == "--hostname"          ? !value(hostname)
        : a == "--authkey"           ? !value(authkey)
        : a == "--keepalive-timeout" ? !value(keepalive)
        : a == "--connect-timeout"   ? !value(connect)
        : a == "--debug"             ? (debug = true, false)
                                     : true)
      return usage(("bad argument '" + a + "'").c_str());
  }
  if (server.empty() || state.empty() || hostname.empty())
    return usage("--server, --state and --hostname are required");
  spdlog::set_default_logger(spdlog::stderr_color_mt("control_probe"));
  spdlog::set_level(debug ? spdlog::level::debug : spdlog::level::info);

  auto loaded = load_or_create_state(state);
  if (auto* err = std::get_if<std::string>(&loaded)) {
    std::fprintf(stderr, "control_probe: %s\n", err->c_str());
    return 2;
  }
  auto& st = std::get<loaded_state>(loaded);
  spdlog::info("{} identity in {}, node key {}", st.created ? "new" : "existing", st.file.string(),
               st.keys.node.public_key().to_text());

  // Signals are taken synchronously by the main thread; block them before any thread starts.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  int rc = 0;
  {
    engine::engine eng;
    eng.start();
    probe_config cfg;
    caf::actor_system sys{cfg};
    auto tracker = sys.spawn(printer);
    control_config cc;
    cc.server_url = server;
    cc.keys = st.keys.clone();
    cc.state_dir = state;
    cc.new_identity = st.created;
    cc.hostname = hostname;
    cc.auth_key = authkey;
    cc.eng = &eng;
    cc.tracker = caf::actor_cast<peer_tracker_actor>(tracker);
    if (!keepalive.empty())
      cc.timing.keepalive_timeout = std::chrono::milliseconds{std::stol(keepalive) * 1000};
    if (!connect.empty())
      cc.timing.connect_timeout = std::chrono::milliseconds{std::stol(connect) * 1000};
    auto ctl = spawn_control(sys, std::move(cc));

    caf::scoped_actor self{sys};
    std::string last;
    for (;;) {
      timespec one{0, 250'000'000};
      int sig = sigtimedwait(&sigs, nullptr, &one);
      if (sig == SIGINT || sig == SIGTERM) {
        spdlog::info("signal {}: stopping", sig);
        break;
      }
      control_status s;
      bool got = false;
      self->request(ctl, std::chrono::seconds(5), status_atom::value)
        .receive([&](const control_status& x) { s = x, got = true; },
                 [&](const caf::error& e) { spdlog::error("status: {}", sys.render(e)); });
      if (!got)
        continue;
      nlohmann::json j{{"status",
                        {{"state", s.state},
                         {"auth_url", s.auth_url},
                         {"last_error", s.last_error},
                         {"map_streams", s.map_streams}}}};
      auto text = j.dump();
      if (text != last) {
        print(j);
        last = text;
      }
      if (s.state == "failed") {
        rc = 3;
        break;
      }
    }
    self->send_exit(ctl, caf::exit_reason::user_shutdown);
    self->send_exit(tracker, caf::exit_reason::user_shutdown);
    self->wait_for(ctl, tracker);
    eng.stop();
  }
  return rc;
}
