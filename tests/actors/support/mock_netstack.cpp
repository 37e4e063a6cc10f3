#include "tests/actors/support/mock_netstack.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netstack/ip.hpp"
#include "tests/actors/support/tcp_peers.hpp"

namespace tsnode::test {

namespace {

/// The mock's full interface: the public one plus its own completions.
using mock_actor
  = netstack_actor::extend<caf::reacts_to<spliced_atom, std::uint64_t, splice_summary>,
                           caf::reacts_to<dialed_atom, std::uint64_t>>;

/// Returns the canonical text of an IP address (routes are looked up by it).
std::string canonical_ip(const std::string& text) {
  auto ip = netstack::ip_address::parse(text);
  return ip ? ip->to_string() : text;
}

struct pending_dial {
  caf::typed_response_promise<dial_result> rp;
  std::string ip;
};

struct mock_state {
  mock_netstack_ptr ctl;
  std::uint64_t next_id = 1;
  std::map<std::uint64_t, std::unique_ptr<owned_fd>> conns;
  std::map<std::uint64_t, pending_dial> dials;
  std::map<std::uint64_t, caf::typed_response_promise<splice_summary>> splices;
  static inline const char* name = "mock_netstack";
};

using mock_ptr = mock_actor::stateful_pointer<mock_state>;

/// Performs a dial to `ip`: a connect to the routed local port, or the configured error.
caf::expected<dial_result> connect_route(mock_ptr self, const std::string& ip) {
  auto& ctl = *self->state.ctl;
  auto r = ctl.lookup(ip);
  auto fail = [&](netstack::netstack_errc e) {
    ctl.count(&mock_counters::dial_failures);
    return caf::expected<dial_result>{caf::make_error(e)};
  };
  if (!r)
    return fail(netstack::netstack_errc::no_route);
  if (r->error)
    return fail(*r->error);
  int fd = connect_loopback(r->host_port, std::chrono::milliseconds(0)); // no socket timeout
  if (fd < 0)
    return fail(netstack::netstack_errc::refused);
  auto id = self->state.next_id++;
  self->state.conns.emplace(id, std::make_unique<owned_fd>(fd));
  ctl.count(&mock_counters::open_conns);
  bool v6 = ip.find(':') != std::string::npos;
  return dial_result{id, v6 ? "fd7a:115c:a1e0::1" : "100.64.0.1",
                     static_cast<std::uint16_t>(40000 + id % 20000)};
}

mock_actor::behavior_type mock_netstack(mock_ptr self, mock_netstack_ptr ctl) {
  self->state.ctl = std::move(ctl);
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    for (auto& [id, d] : self->state.dials)
      d.rp.deliver(caf::make_error(caf::sec::request_receiver_down));
    for (auto& [id, rp] : self->state.splices)
      rp.deliver(caf::make_error(caf::sec::request_receiver_down));
    self->state.dials.clear();
    self->state.splices.clear();
    self->state.conns.clear();
    self->quit(msg.reason);
  });
  return {
    [self](dial_atom, const std::string& ip, std::uint16_t,
           caf::timespan) -> caf::result<dial_result> {
      auto& st = self->state;
      st.ctl->count(&mock_counters::dials);
      auto key = canonical_ip(ip);
      auto r = st.ctl->lookup(key);
      if (!r || r->delay.count() == 0)
        return connect_route(self, key);
      auto id = st.next_id++;
      auto rp = self->make_response_promise<dial_result>();
      st.dials.emplace(id, pending_dial{rp, key});
      self->delayed_send(self, r->delay, dialed_atom_v, id);
      return rp;
    },
    [self](dialed_atom, std::uint64_t id) {
      auto i = self->state.dials.find(id);
      if (i == self->state.dials.end())
        return;
      auto d = std::move(i->second);
      self->state.dials.erase(i);
      auto r = connect_route(self, d.ip);
      if (r)
        d.rp.deliver(*r);
      else
        d.rp.deliver(r.error());
    },
    [self](splice_atom, std::uint64_t conn, const fd_handle& fd,
           const std::vector<std::uint8_t>& leftover) -> caf::result<splice_summary> {
      auto& st = self->state;
      st.ctl->count(&mock_counters::splices);
      auto i = st.conns.find(conn);
      if (i == st.conns.end())
        return splice_summary{0, 0, true}; // fd closes with the message
      auto host = i->second->take();
      st.conns.erase(i);
      st.ctl->count(&mock_counters::open_conns, -1);
      auto id = st.next_id++;
      auto rp = self->make_response_promise<splice_summary>();
      st.splices.emplace(id, rp);
      st.ctl->start_splice(fd->take(), host, leftover,
                           [hdl = mock_actor{self}, id](splice_summary s) {
                             caf::anon_send(hdl, spliced_atom_v, id, s);
                           });
      return rp;
    },
    [self](spliced_atom, std::uint64_t id, const splice_summary& s) {
      if (auto i = self->state.splices.find(id); i != self->state.splices.end()) {
        i->second.deliver(s);
        self->state.splices.erase(i);
      }
    },
    [](udp_associate_atom, const std::string&, std::uint16_t) -> caf::result<udp_relay_info> {
      // The mock relays no UDP: a session must answer its client with a failure reply.
      return caf::make_error(netstack::netstack_errc::out_of_memory);
    },
    [](udp_release_atom, std::uint64_t) {
      // nop
    },
    [self](close_atom, std::uint64_t conn) {
      if (self->state.conns.erase(conn) > 0) {
        self->state.ctl->count(&mock_counters::closes);
        self->state.ctl->count(&mock_counters::open_conns, -1);
      }
    },
    [self](status_atom) {
      auto c = self->state.ctl->counters();
      return netstack_status{c.dials,        c.dial_failures,    c.held + c.active,
                             c.splices_done, c.bytes_to_overlay, c.bytes_to_host};
    },
  };
}

resolver_actor::behavior_type mock_resolver(std::map<std::string, std::vector<std::string>> names) {
  return {
    [names](resolve_atom, const std::string& name) -> caf::result<resolve_result> {
      if (auto i = names.find(name); i != names.end())
        return resolve_result{name, i->second};
      return caf::make_error(resolve_errc::no_such_host);
    },
  };
}

} // namespace

mock_netstack_control::~mock_netstack_control() {
  shutdown();
}

void mock_netstack_control::route(const std::string& overlay_ip, std::uint16_t host_port,
                                  std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> guard{mtx_};
  routes_[canonical_ip(overlay_ip)] = route_entry{host_port, std::nullopt, delay};
}

void mock_netstack_control::fail(const std::string& overlay_ip, netstack::netstack_errc e,
                                 std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> guard{mtx_};
  routes_[canonical_ip(overlay_ip)] = route_entry{0, e, delay};
}

void mock_netstack_control::hold(bool on) {
  std::lock_guard<std::mutex> guard{mtx_};
  hold_ = on;
  cv_.notify_all();
}

std::size_t mock_netstack_control::wait_held(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mtx_};
  cv_.wait_for(lock, timeout, [&] { return counters_.held >= n; });
  return counters_.held;
}

mock_counters mock_netstack_control::counters() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return counters_;
}

void mock_netstack_control::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
    hold_ = false;
    cv_.notify_all();
    for (int fd : live_fds_)
      ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (auto& t : threads)
    t.join();
}

std::optional<mock_netstack_control::route_entry>
mock_netstack_control::lookup(const std::string& overlay_ip) const {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto i = routes_.find(overlay_ip); i != routes_.end())
    return i->second;
  return std::nullopt;
}

void mock_netstack_control::count(std::uint64_t mock_counters::*field, std::int64_t delta) {
  std::lock_guard<std::mutex> guard{mtx_};
  counters_.*field += static_cast<std::uint64_t>(delta);
  cv_.notify_all();
}

void mock_netstack_control::start_splice(int client, int host, std::vector<std::uint8_t> leftover,
                                         std::function<void(splice_summary)> done) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (stopping_) {
    ::close(client);
    ::close(host);
    done(splice_summary{0, 0, true});
    return;
  }
  live_fds_.insert(client);
  live_fds_.insert(host);
  ++counters_.held;
  counters_.peak_active = std::max(counters_.peak_active, counters_.held + counters_.active);
  cv_.notify_all();
  threads_.emplace_back([this, client, host, leftover = std::move(leftover),
                         done = std::move(done)] { run_splice(client, host, leftover, done); });
}

void mock_netstack_control::run_splice(int client, int host,
                                       const std::vector<std::uint8_t>& leftover,
                                       const std::function<void(splice_summary)>& done) {
  {
    std::unique_lock<std::mutex> lock{mtx_};
    cv_.wait(lock, [&] { return !hold_ || stopping_; });
    --counters_.held;
    ++counters_.active;
  }
  // The session's engine left the client socket non-blocking (caf-asio.md §4): block here.
  ::fcntl(client, F_SETFL, ::fcntl(client, F_GETFL) & ~O_NONBLOCK);
  bool up_failed = false, down_failed = false;
  std::uint64_t up = 0, down = 0;
  if (!leftover.empty()) {
    up_failed = !send_all(host, leftover);
    up += leftover.size();
    count(&mock_counters::bytes_to_overlay, static_cast<std::int64_t>(leftover.size()));
  }
  std::thread down_pump{
    [&] { down = pump(host, client, &mock_counters::bytes_to_host, down_failed); }};
  if (!up_failed)
    up += pump(client, host, &mock_counters::bytes_to_overlay, up_failed);
  else
    ::shutdown(host, SHUT_RDWR);
  down_pump.join();
  {
    std::lock_guard<std::mutex> guard{mtx_};
    live_fds_.erase(client);
    live_fds_.erase(host);
    ::close(client);
    ::close(host);
    --counters_.active;
    ++counters_.splices_done;
    cv_.notify_all();
  }
  done(splice_summary{up, down, up_failed || down_failed});
}

std::uint64_t mock_netstack_control::pump(int from, int to, std::uint64_t mock_counters::*field,
                                          bool& failed) {
  std::vector<std::uint8_t> buf(64 * 1024);
  std::uint64_t total = 0;
  for (;;) {
    auto n = ::read(from, buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0) {
      ::shutdown(to, SHUT_WR); // half-close passed on
      return total;
    }
    if (n < 0 || !send_all(to, buf.data(), static_cast<std::size_t>(n))) {
      failed = true;
      ::shutdown(from, SHUT_RDWR);
      ::shutdown(to, SHUT_RDWR);
      return total;
    }
    total += static_cast<std::uint64_t>(n);
    count(field, n);
  }
}

netstack_actor spawn_mock_netstack(caf::actor_system& sys, mock_netstack_ptr ctl) {
  return sys.spawn(mock_netstack, std::move(ctl));
}

resolver_actor spawn_mock_resolver(caf::actor_system& sys,
                                   std::map<std::string, std::vector<std::string>> names) {
  return sys.spawn(mock_resolver, std::move(names));
}

} // namespace tsnode::test
