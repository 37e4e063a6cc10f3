#include "fetch_actor.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace tsnode::examples {

namespace {

using self_ptr = caf::stateful_actor<fetch_state>*;

/// Returns a readable text for an error of the resolver or the netstack.
std::string describe(const caf::error& e, caf::actor_system& sys) {
  if (e.category() == caf::atom("resolve"))
    return std::string{to_string(static_cast<resolve_errc>(e.code()))};
  if (e.category() == caf::atom("netstack"))
    return std::string{netstack::to_string(static_cast<netstack::netstack_errc>(e.code()))};
  if (e == caf::sec::request_timeout)
    return "timed out";
  return sys.render(e);
}

void finish(self_ptr self, bool ok, std::string text) {
  auto& st = self->state;
  if (st.done)
    return;
  st.done = true;
  st.ok = ok;
  if (ok)
    st.reply = text;
  else
    st.error = text;
  if (st.fd >= 0) {
    ::close(st.fd);
    st.fd = -1;
  }
  if (st.report_to)
    self->send(st.report_to, ok, std::move(text));
  self->quit();
}

/// Reads what the socket has; EOF ends the exchange, nothing yet polls again in 5 ms (a real
/// application hands the descriptor to its own event loop instead).
void poll(self_ptr self) {
  auto& st = self->state;
  char buf[16384];
  for (;;) {
    auto n = ::read(st.fd, buf, sizeof buf);
    if (n > 0) {
      st.reply.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) {
      finish(self, true, st.reply);
      return;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!st.poll_armed) {
        st.poll_armed = true;
        self->delayed_send(self, std::chrono::milliseconds(5), poll_atom::value);
      }
      return;
    }
    finish(self, false, std::string{"read: "} + std::strerror(errno));
    return;
  }
}

void exchange(self_ptr self, netstack_actor net, const dial_result& dialed, std::string request) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    self->send(net, close_atom_v, dialed.conn_id);
    finish(self, false, std::string{"socketpair: "} + std::strerror(errno));
    return;
  }
  self->state.fd = sv[1];
  ::fcntl(sv[1], F_SETFL, ::fcntl(sv[1], F_GETFL) | O_NONBLOCK);
  // The request waits in the socket buffer until the netstack splices the other end.
  if (::write(sv[1], request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    ::close(sv[0]);
    self->send(net, close_atom_v, dialed.conn_id);
    finish(self, false, "the request does not fit the socket buffer");
    return;
  }
  self
    ->request(net, caf::infinite, splice_atom_v, dialed.conn_id, make_fd_handle(sv[0]),
              std::vector<std::uint8_t>{})
    .then([=](const splice_summary&) { poll(self); },
          [=](caf::error& e) { finish(self, false, "splice: " + describe(e, self->system())); });
  poll(self);
}

} // namespace

caf::behavior fetcher(caf::stateful_actor<fetch_state>* self, resolver_actor resolver,
                      netstack_actor net, std::string host, std::uint16_t port, std::string request,
                      caf::actor report_to, caf::timespan deadline) {
  self->state.report_to = std::move(report_to);
  self->delayed_send(self, deadline, deadline_atom_v);
  auto target = host + ":" + std::to_string(port);
  self->request(resolver, std::chrono::seconds(10), resolve_atom_v, host)
    .then(
      [=](const resolve_result& r) {
        if (r.addresses.empty()) {
          finish(self, false, "resolve " + host + ": no address");
          return;
        }
        auto ip = r.addresses.front();
        self
          ->request(net, std::chrono::seconds(20), dial_atom_v, ip, port,
                    caf::timespan{std::chrono::seconds(15)})
          .then([=](const dial_result& d) { exchange(self, net, d, request); },
                [=](caf::error& e) {
                  finish(self, false,
                         "dial " + ip + ":" + std::to_string(port) + ": "
                           + describe(e, self->system()));
                });
      },
      [=](caf::error& e) {
        finish(self, false, "resolve " + host + ": " + describe(e, self->system()));
      });
  return {
    [=](poll_atom) {
      self->state.poll_armed = false;
      if (!self->state.done && self->state.fd >= 0)
        poll(self);
    },
    [=](deadline_atom) { finish(self, false, "fetch " + target + ": timed out"); },
  };
}

} // namespace tsnode::examples
