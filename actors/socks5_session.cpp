#include "actors/socks5_session.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "messages/errors.hpp"

namespace tsnode {

namespace {

using self_ptr = socks5_session_actor::stateful_pointer<socks5_session_state>;

/// Maps an error from the resolver or the netstack to the proxy's dial_error
/// (design.md "Failure and bad input": precise reply codes).
proxy::dial_error to_dial_error(const caf::error& e) {
  using netstack::netstack_errc;
  if (e.category() == caf::atom("resolve"))
    return proxy::dial_error::no_such_host;
  if (e.category() == caf::atom("netstack")) {
    switch (static_cast<netstack_errc>(e.code())) {
      case netstack_errc::refused:
        return proxy::dial_error::refused;
      case netstack_errc::timeout:
        return proxy::dial_error::timeout;
      case netstack_errc::no_route:
      case netstack_errc::bad_address:
        return proxy::dial_error::no_route;
      case netstack_errc::unreachable:
        return proxy::dial_error::unreachable;
      default:
        return proxy::dial_error::general;
    }
  }
  if (e == caf::sec::request_timeout)
    return proxy::dial_error::timeout;
  return proxy::dial_error::general;
}

/// Asks the engine for the next chunk of client bytes.
void read_more(self_ptr self, engine::engine* eng) {
  eng->post([conn = self->state.conn, hdl = socks5_session_actor{self}] {
    conn->read_some([hdl](std::vector<std::uint8_t> bytes) {
      if (bytes.empty())
        caf::anon_send(hdl, eof_atom_v);
      else
        caf::anon_send(hdl, bytes_atom_v, std::move(bytes));
    });
  });
}

void write(self_ptr self, engine::engine* eng, std::vector<std::uint8_t> bytes) {
  eng->post([conn = self->state.conn, bytes = std::move(bytes)]() mutable {
    conn->write(std::move(bytes), {});
  });
}

/// Writes the last bytes, closes the client socket and ends the session. A dial still on its
/// way keeps the actor until it answers, so that the connection it opens gets closed (see dial).
void close_and_quit(self_ptr self, engine::engine* eng, std::vector<std::uint8_t> bytes,
                    netstack_actor net) {
  auto& st = self->state;
  if (st.dialed)
    self->send(net, close_atom_v, st.dialed->conn_id);
  if (st.relay_id) // the association ends with its TCP connection (RFC 1928 §7)
    self->send(net, udp_release_atom_v, *st.relay_id);
  eng->post([conn = st.conn, bytes = std::move(bytes)]() mutable {
    if (bytes.empty()) {
      conn->close();
      return;
    }
    conn->write(std::move(bytes), [conn](bool) { conn->close(); });
  });
  st.phase = session_phase::done;
  if (!st.dial_pending)
    self->quit();
}

void drive(self_ptr self, engine::engine* eng, resolver_actor resolver, netstack_actor net,
           session_config cfg, proxy::action a);

void dial(self_ptr self, engine::engine* eng, resolver_actor resolver, netstack_actor net,
          session_config cfg, const std::string& ip, std::uint16_t port) {
  self->state.phase = session_phase::dialing;
  self->state.dial_pending = true;
  self
    ->request(net, cfg.dial_timeout + std::chrono::seconds(2), dial_atom_v, ip, port,
              cfg.dial_timeout)
    .then(
      [=](const dial_result& r) {
        self->state.dial_pending = false;
        if (self->state.phase == session_phase::done) { // the client is gone: give it back
          self->send(net, close_atom_v, r.conn_id);
          self->quit();
          return;
        }
        self->state.dialed = r;
        auto bound = proxy::ip_address::parse(r.local_ip);
        auto a = self->state.core->on_connected(bound.value_or(proxy::ip_address{}), r.local_port);
        // The success reply goes out first; then the socket is released for the splice.
        if (auto* rep = std::get_if<proxy::reply>(&a)) {
          eng->post([conn = self->state.conn, bytes = std::move(rep->bytes),
                     hdl = socks5_session_actor{self}]() mutable {
            conn->write(std::move(bytes), [conn, hdl](bool ok) {
              if (!ok) {
                caf::anon_send(hdl, eof_atom_v);
                return;
              }
              caf::anon_send(hdl, released_atom_v, make_fd_handle(conn->release()));
            });
          });
          return;
        }
        drive(self, eng, resolver, net, cfg, std::move(a));
      },
      [=](caf::error& e) {
        self->state.dial_pending = false;
        if (self->state.phase == session_phase::done) {
          self->quit();
          return;
        }
        spdlog::debug("session: dial {} failed: {}", self->state.target, self->system().render(e));
        drive(self, eng, resolver, net, cfg, self->state.core->on_dial_failed(to_dial_error(e)));
      });
}

void drive(self_ptr self, engine::engine* eng, resolver_actor resolver, netstack_actor net,
           session_config cfg, proxy::action a) {
  for (;;) {
    if (std::holds_alternative<proxy::need_more>(a)) {
      read_more(self, eng);
      return;
    }
    if (auto* r = std::get_if<proxy::reply>(&a)) {
      write(self, eng, std::move(r->bytes));
      a = self->state.core->next();
      continue;
    }
    if (auto* p = std::get_if<proxy::payload>(&a)) {
      self->state.early.insert(self->state.early.end(), p->bytes.begin(), p->bytes.end());
      a = self->state.core->next();
      continue;
    }
    if (auto* c = std::get_if<proxy::close_with>(&a)) {
      close_and_quit(self, eng, std::move(c->bytes), net);
      return;
    }
    if (auto* u = std::get_if<proxy::udp_associate_request>(&a)) {
      if (self->state.client_ip.empty()) { // a Unix-socket client has no address to relay for
        a = self->state.core->on_dial_failed(proxy::dial_error::general);
        continue;
      }
      self->state.phase = session_phase::dialing;
      self
        ->request(net, std::chrono::seconds(5), udp_associate_atom_v, self->state.client_ip,
                  u->client.port)
        .then(
          [=](const udp_relay_info& r) {
            self->state.relay_id = r.relay_id;
            self->state.phase = session_phase::relaying;
            auto ip = proxy::ip_address::parse(r.relay_ip);
            drive(self, eng, resolver, net, cfg,
                  self->state.core->on_udp_ready(ip.value_or(proxy::ip_address{}), r.relay_port));
          },
          [=](caf::error& e) {
            drive(self, eng, resolver, net, cfg,
                  self->state.core->on_dial_failed(to_dial_error(e)));
          });
      return;
    }
    auto& req = std::get<proxy::connect_request>(a);
    self->state.early = std::move(req.early_payload);
    auto port = req.dst.port;
    self->state.target = req.dst.host + ":" + std::to_string(port);
    if (req.dst.ip) {
      dial(self, eng, resolver, net, cfg, req.dst.ip->to_string(), port);
      return;
    }
    self->state.phase = session_phase::resolving;
    self->request(resolver, std::chrono::seconds(10), resolve_atom_v, req.dst.host)
      .then(
        [=](const resolve_result& r) {
          if (r.addresses.empty()) {
            drive(self, eng, resolver, net, cfg,
                  self->state.core->on_dial_failed(proxy::dial_error::no_such_host));
            return;
          }
          dial(self, eng, resolver, net, cfg, r.addresses.front(), port);
        },
        [=](caf::error& e) {
          drive(self, eng, resolver, net, cfg, self->state.core->on_dial_failed(to_dial_error(e)));
        });
    return;
  }
}

/// The negotiation deadline: it covers greeting to dialed; the splice has none (loopback.rs).
/// Returns the TCP peer's address of `fd` ("" for a Unix socket): where UDP ASSOCIATE
/// datagrams must come from (anchors.md §4.5).
std::string peer_ip(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0)
    return {};
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in&>(ss).sin_addr, buf, sizeof buf);
  else if (ss.ss_family == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6&>(ss).sin6_addr, buf, sizeof buf);
  return buf;
}

void on_deadline(self_ptr self, engine::engine* eng, resolver_actor resolver, netstack_actor net,
                 session_config cfg) {
  auto& st = self->state;
  if (st.dialed || st.phase == session_phase::splicing || st.phase == session_phase::relaying
      || st.phase == session_phase::done)
    return;
  spdlog::debug("session: negotiation deadline passed, closing");
  if (st.phase == session_phase::negotiating) {
    close_and_quit(self, eng, {}, net);
    return;
  }
  // Resolving or dialing: the client learns that it was a timeout (06 / 504).
  drive(self, eng, resolver, net, cfg, st.core->on_dial_failed(proxy::dial_error::timeout));
}

} // namespace

socks5_session_actor::behavior_type
socks5_session(socks5_session_actor::stateful_pointer<socks5_session_state> self,
               engine::engine* eng, fd_handle fd, resolver_actor resolver, netstack_actor net,
               proxy::credentials creds, session_config cfg) {
  self->state.client_ip = peer_ip(fd->get());
  self->state.conn = std::make_shared<engine::client_conn>(eng->io(), fd->take());
  self->state.core.emplace(proxy::credential_check{creds});
  self->set_exit_handler([self, eng, net](const caf::exit_msg& msg) {
    // Shut down with the listener: the client goes now, unless the netstack splices it already.
    if (self->state.phase != session_phase::splicing)
      close_and_quit(self, eng, {}, net);
    self->quit(msg.reason);
  });
  // The negotiation deadline (reference: 30 s); the splice afterwards has none.
  self->delayed_send(self, cfg.handshake_timeout, deadline_atom_v);
  read_more(self, eng);
  return {
    [=](bytes_atom, const std::vector<std::uint8_t>& bytes) {
      drive(self, eng, resolver, net, cfg, self->state.core->on_bytes(bytes));
    },
    [=](eof_atom) {
      if (self->state.phase != session_phase::splicing)
        close_and_quit(self, eng, {}, net);
    },
    [=](released_atom, const fd_handle& client) {
      if (self->state.phase == session_phase::done)
        return; // the client socket closes with the message
      self->state.phase = session_phase::splicing;
      auto id = self->state.dialed->conn_id;
      self->request(net, caf::infinite, splice_atom_v, id, client, self->state.early)
        .then(
          [=](const splice_summary& s) {
            spdlog::debug("session: {} done, {} B up, {} B down", self->state.target, s.to_overlay,
                          s.to_host);
            self->state.phase = session_phase::done;
            self->quit();
          },
          [=](caf::error&) {
            self->state.phase = session_phase::done;
            self->quit();
          });
    },
    [=](deadline_atom) { on_deadline(self, eng, resolver, net, cfg); },
  };
}

} // namespace tsnode
