#include "actors/engine/overlay.hpp"

#include <asio/post.hpp>

#include <unistd.h>

#include "netstack/packet.hpp"

namespace tsnode::engine {

using netstack::netstack_errc;

/// A connection from dial() until it is spliced, closed or failed.
struct overlay::pending : netstack::tcp_handler {
  std::uint64_t id = 0;
  std::unique_ptr<netstack::tcp_connection> conn;
  std::function<void(dial_outcome)> done; ///< empty once reported
  asio::steady_timer timer;
  overlay* owner = nullptr;
  netstack::endpoint_address to;

  explicit pending(asio::io_context& io)
    : timer(io) {}
  void on_connected(netstack::tcp_connection& c) override {
    timer.cancel();
    if (done) {
      auto d = std::move(done);
      done = nullptr;
      d(dialed{id, c.local(), c.remote()});
    }
    // Now idle until spliced: bound how long.
    timer.expires_after(owner->idle_timeout);
    timer.async_wait([o = owner, i = id](const asio::error_code& ec) {
      if (!ec)
        o->close(i);
    });
  }
  void on_error(netstack::tcp_connection&, netstack_errc e) override {
    auto o = owner;
    auto i = id;
    // lwIP freed the pcb; leave its callback before erasing ourselves.
    asio::post(timer.get_executor(), [o, i, e] { o->finish_pending(i, e); });
  }
};

overlay::overlay(asio::io_context& io, netstack::stack_config cfg, packet_out out,
                 route_check has_route)
  : io_(io)
  , stack_(std::move(cfg), std::move(out),
           [this] {
             asio::post(io_, [this] {
               stack_.poll();
               kick();
             });
           })
  , has_route_(std::move(has_route))
  , timer_(io) {
  // nop
}

overlay::~overlay() {
  for (auto& [id, s] : splices_)
    s->abort();
  splices_.clear();
  for (auto& [id, p] : pending_) {
    p->timer.cancel();
    if (p->conn)
      p->conn->abort();
  }
  pending_.clear();
}

void overlay::kick() {
  auto ms = stack_.next_poll_in_ms();
  if (ms == UINT32_MAX)
    return;
  auto at = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  if (timer_armed_ && armed_at_ <= at)
    return; // an earlier wake-up is already pending
  timer_armed_ = true;
  armed_at_ = at;
  timer_.expires_at(at);
  timer_.async_wait([this](const asio::error_code& ec) {
    if (ec)
      return; // re-armed earlier, or shutting down
    timer_armed_ = false;
    stack_.poll();
    kick();
  });
}

void overlay::input(std::span<const std::uint8_t> packet) {
  handle_icmp_unreachable(packet);
  stack_.input(packet);
  kick();
}

void overlay::input_batched(std::span<const std::uint8_t> packet) {
  if (!stack_.batching())
    stack_.begin_batch();
  handle_icmp_unreachable(packet);
  stack_.input(packet);
}

void overlay::end_batch() {
  if (!stack_.batching())
    return;
  stack_.end_batch();
  kick();
}

void overlay::dial(const netstack::endpoint_address& to, std::chrono::milliseconds timeout,
                   std::function<void(dial_outcome)> done) {
  ++stats_.dials;
  // Fail closed: a destination no peer covers is never dialed (design.md "Failure and bad
  // input"), and nothing goes to the host network.
  if (has_route_ && !has_route_(to.ip)) {
    ++stats_.dial_failures;
    done(netstack_errc::no_route);
    return;
  }
  auto p = std::make_shared<pending>(io_);
  p->id = next_id_++;
  p->owner = this;
  p->to = to;
  p->done = std::move(done);
  netstack_errc err{};
  p->conn = stack_.connect(to, *p, err);
  if (!p->conn) {
    ++stats_.dial_failures;
    auto d = std::move(p->done);
    d(err);
    return;
  }
  pending_.emplace(p->id, p);
  p->timer.expires_after(timeout);
  p->timer.async_wait([this, id = p->id](const asio::error_code& ec) {
    if (!ec)
      finish_pending(id, netstack_errc::timeout);
  });
  kick();
}

std::shared_ptr<overlay::pending> overlay::take_pending(std::uint64_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end())
    return nullptr;
  auto p = it->second;
  pending_.erase(it);
  p->timer.cancel();
  return p;
}

void overlay::finish_pending(std::uint64_t id, dial_outcome outcome) {
  auto p = take_pending(id);
  if (!p)
    return;
  if (p->conn) {
    p->conn->set_handler(nullptr);
    p->conn->abort();
  }
  if (p->done) {
    ++stats_.dial_failures;
    auto d = std::move(p->done);
    d(std::move(outcome));
  }
  kick();
}

bool overlay::splice_with(std::uint64_t id, int fd, std::vector<std::uint8_t> leftover,
                          splice::done_fn done) {
  auto it = pending_.find(id);
  if (it == pending_.end() || !it->second->conn
      || it->second->conn->current_state() != netstack::tcp_connection::state::established) {
    ::close(fd);
    return false;
  }
  auto p = take_pending(id);
  auto s = std::make_shared<splice>(
    io_, std::move(p->conn), fd, std::move(leftover), [this] { kick(); },
    [this, id, done = std::move(done)](const splice_result& r) {
      stats_.bytes_to_overlay += r.to_overlay;
      stats_.bytes_to_host += r.to_host;
      ++stats_.splices_done;
      --stats_.splices_active;
      splices_.erase(id);
      if (done)
        done(r);
    });
  splices_.emplace(id, s);
  ++stats_.splices_active;
  s->start();
  return true;
}

void overlay::close(std::uint64_t id) {
  auto p = take_pending(id);
  if (!p)
    return;
  if (p->conn) {
    p->conn->set_handler(nullptr);
    p->conn->close();
  }
  kick();
}

void overlay::handle_icmp_unreachable(std::span<const std::uint8_t> packet) {
  // lwIP does not tell TCP about ICMP errors; a dial that got "destination unreachable"
  // (RFC 792 type 3 / RFC 4443 type 1) would otherwise wait for its timeout.
  auto ip = netstack::parse_ip(packet);
  if (!ip || pending_.empty())
    return;
  bool unreachable
    = (ip->protocol == netstack::proto_icmp && !ip->payload.empty() && ip->payload[0] == 3)
      || (ip->protocol == netstack::proto_icmpv6 && !ip->payload.empty() && ip->payload[0] == 1);
  if (!unreachable || ip->payload.size() < 8)
    return;
  auto inner = netstack::parse_ip_quoted(ip->payload.subspan(8));
  if (!inner || inner->protocol != netstack::proto_tcp || inner->payload.size() < 4)
    return;
  std::uint16_t sport = static_cast<std::uint16_t>(inner->payload[0] << 8 | inner->payload[1]);
  std::uint16_t dport = static_cast<std::uint16_t>(inner->payload[2] << 8 | inner->payload[3]);
  for (auto& [id, p] : pending_) {
    if (p->done && p->to.ip == inner->dst && p->to.port == dport && p->conn
        && p->conn->local().port == sport) {
      auto i = id;
      asio::post(io_, [this, i] { finish_pending(i, netstack_errc::unreachable); });
      return;
    }
  }
}

} // namespace tsnode::engine
