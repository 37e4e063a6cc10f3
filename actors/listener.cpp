#include "actors/listener.hpp"

#include <caf/all.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <future>
#include <unistd.h>
#include <unordered_map>

#include "crypto/bytes.hpp"
#include "crypto/random.hpp"

namespace tsnode {

namespace {

struct listener_state {
  engine::engine* eng = nullptr;
  std::shared_ptr<engine::acceptor> acc; ///< null once stopped
  std::unordered_map<caf::actor_addr, socks5_session_actor> sessions;
  listener_status stats;
  bool stopping = false; ///< no more accepts; quit when the last session ends
  static inline const char* name = "listener";
};

using listener_ptr = listener_actor::stateful_pointer<listener_state>;

/// Stops the acceptor for good; its last reference goes to the engine thread with the call.
void stop_accepting(listener_ptr self) {
  if (auto acc = std::move(self->state.acc))
    self->state.eng->post([acc = std::move(acc)] { acc->stop(); });
  self->state.acc = nullptr;
}

/// Waits for the engine to run `f` (unless this is the engine thread, or it no longer runs).
template <class F>
void run_on_engine(engine::engine& eng, F f) {
  if (eng.on_engine_thread() || eng.io().stopped()) {
    f();
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto ran = done->get_future();
  eng.post([f, done] {
    f();
    done->set_value();
  });
  if (ran.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
    spdlog::warn("loopback: the engine did not stop the acceptor within 5 s");
}

listener_actor::behavior_type listener(listener_ptr self, engine::engine* eng,
                                       std::shared_ptr<engine::acceptor> acc,
                                       resolver_actor resolver, netstack_actor net,
                                       proxy::credentials creds, session_config scfg) {
  self->state.eng = eng;
  self->state.acc = acc;
  self->set_down_handler([self](const caf::down_msg& msg) {
    // A session ended: one more slot, or one fewer to wait for.
    auto& st = self->state;
    st.sessions.erase(msg.source);
    --st.stats.in_flight;
    if (st.stopping) {
      if (st.stats.in_flight == 0)
        self->quit();
      return;
    }
    st.eng->post([acc = st.acc] { acc->add_credit(); });
  });
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    // Shut down from outside (not by the handle): take the sessions along, and go only after
    // the last one is down, so that whoever waits for this actor (the node façade, before it
    // stops the engine) knows that no session will post to the engine any more.
    auto& st = self->state;
    for (auto& [addr, s] : st.sessions)
      self->send_exit(s, msg.reason);
    stop_accepting(self);
    st.stopping = true;
    if (st.stats.in_flight == 0)
      self->quit(msg.reason);
  });
  return {
    [=](accepted_atom, const fd_handle& fd, const std::string& peer) {
      auto s = self->spawn(socks5_session, eng, fd, resolver, net, creds, scfg);
      self->monitor(s);
      auto& st = self->state;
      st.sessions.emplace(s.address(), s);
      ++st.stats.accepted;
      st.stats.peak_in_flight = std::max(st.stats.peak_in_flight, ++st.stats.in_flight);
      spdlog::debug("listener: accepted {} ({} in flight)", peer, st.stats.in_flight);
    },
    [=](status_atom) { return self->state.stats; },
    [=](stop_atom) {
      // The handle is gone: in-flight sessions finish on their own (loopback.rs), then we go.
      stop_accepting(self);
      self->state.stopping = true;
      if (self->state.stats.in_flight == 0)
        self->quit();
    },
  };
}

} // namespace

std::string make_credential() {
  byte_array<16> raw;
  crypto::system_random::instance().fill(raw);
  auto out = to_hex(raw);
  sodium_memzero(raw.data(), raw.size());
  return out;
}

loopback_handle::loopback_handle(engine::engine* eng, std::shared_ptr<engine::acceptor> acc,
                                 listener_actor l, std::string address, std::string credential)
  : eng_(eng)
  , acceptor_(std::move(acc))
  , listener_(std::move(l))
  , address_(std::move(address))
  , credential_(std::move(credential)) {
  // nop
}

loopback_handle::~loopback_handle() {
  // Closed before returning, so no connection gets in once the handle is gone; the listener
  // then lets its sessions finish.
  run_on_engine(*eng_, [acc = acceptor_] { acc->stop(); });
  caf::anon_send(listener_, stop_atom_v);
  sodium_memzero(credential_.data(), credential_.size());
}

std::string loopback_handle::socks5_url() const {
  return "socks5h://tsnet:" + credential_ + "@" + address_;
}

std::string loopback_handle::http_url() const {
  return "http://tsnet:" + credential_ + "@" + address_;
}

std::unique_ptr<loopback_handle> start_loopback(caf::actor_system& sys, engine::engine& eng,
                                                resolver_actor resolver, netstack_actor net,
                                                listener_config cfg, std::string credential) {
  if (credential.empty())
    credential = make_credential();
  // Bind first (so errors surface before anything runs, and the address is known), with no
  // credit; then spawn the listener and give the acceptor its credits.
  std::promise<std::string> bound;
  listener_actor l;
  auto acc_holder = std::make_shared<std::shared_ptr<engine::acceptor>>();
  eng.post([&] {
    try {
      *acc_holder = engine::acceptor::make(eng.io(), cfg.where,
                                           0, // no credit, so no accept, until the listener exists
                                           [](int fd, std::string) { ::close(fd); });
      bound.set_value((*acc_holder)->local_text());
    } catch (...) {
      bound.set_exception(std::current_exception());
    }
  });
  auto address = bound.get_future().get(); // rethrows bind errors
  auto acc = *acc_holder;
  l = sys.spawn(listener, &eng, acc, resolver, net, proxy::credentials{credential}, cfg.session);
  // Now route accepts to the listener and open the cap.
  std::promise<void> wired;
  eng.post([&, acc, l] {
    acc->set_on_accept([l](int fd, std::string peer) {
      caf::anon_send(l, accepted_atom_v, make_fd_handle(fd), std::move(peer));
    });
    for (std::size_t i = 0; i < cfg.max_sessions; ++i)
      acc->add_credit();
    wired.set_value();
  });
  wired.get_future().wait();
  spdlog::info("loopback proxy listening on {} (at most {} sessions)", address, cfg.max_sessions);
  return std::make_unique<loopback_handle>(&eng, acc, l, address, credential);
}

} // namespace tsnode
