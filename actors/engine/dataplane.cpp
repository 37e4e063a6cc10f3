#include "actors/engine/dataplane.hpp"

#include <asio/post.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>

namespace tsnode::engine {

namespace {

constexpr std::size_t batch = 64;
constexpr std::size_t max_datagram = 65536;

wireguard::udp_address from_sockaddr(const sockaddr_storage& ss) {
  wireguard::udp_address a;
  if (ss.ss_family == AF_INET) {
    auto& s4 = reinterpret_cast<const sockaddr_in&>(ss);
    a.ip = wireguard::ip_address::v4_from(reinterpret_cast<const std::uint8_t*>(&s4.sin_addr));
    a.port = ntohs(s4.sin_port);
  } else {
    auto& s6 = reinterpret_cast<const sockaddr_in6&>(ss);
    auto* b = reinterpret_cast<const std::uint8_t*>(&s6.sin6_addr);
    // An IPv4-mapped source is an IPv4 peer (a dual-stack socket would report it this way).
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, mapped, 12) == 0)
      a.ip = wireguard::ip_address::v4_from(b + 12);
    else
      a.ip = wireguard::ip_address::v6_from(b);
    a.port = ntohs(s6.sin6_port);
  }
  return a;
}

socklen_t to_sockaddr(const wireguard::udp_address& a, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (a.ip.family == wireguard::ip_family::v4) {
    auto& s4 = reinterpret_cast<sockaddr_in&>(ss);
    s4.sin_family = AF_INET;
    s4.sin_port = htons(a.port);
    std::memcpy(&s4.sin_addr, a.ip.bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto& s6 = reinterpret_cast<sockaddr_in6&>(ss);
  s6.sin6_family = AF_INET6;
  s6.sin6_port = htons(a.port);
  std::memcpy(&s6.sin6_addr, a.ip.bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

wireguard::ip_address to_wg(const netstack::ip_address& a) {
  return a.v6 ? wireguard::ip_address::v6_from(a.bytes.data())
              : wireguard::ip_address::v4_from(a.bytes.data());
}

/// Large socket buffers: a burst of a full TCP window (lwIP's TCP_WND, ~4 MiB) must not overflow
/// the kernel's queue.
void big_buffers(asio::ip::udp::socket& s) {
  int size = 8 * 1024 * 1024;
  int fd = s.native_handle();
  // The FORCE variants pass rmem_max when running as root; the plain ones are the fallback.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
}

} // namespace

dataplane::dataplane(asio::io_context& io, dataplane_config cfg, deliver_fn deliver,
                     event_fn events, batch_end_fn batch_end)
  : io_(io)
  , rng_(crypto::system_random::instance())
  , ep_(std::move(cfg.private_key), rng_, wireguard::endpoint_config{cfg.mtu})
  , deliver_(std::move(deliver))
  , events_(std::move(events))
  , batch_end_(std::move(batch_end))
  , sock4_(io)
  , sock6_(io)
  , timer_(io) {
  for (auto& p : cfg.peers) {
    auto r = ep_.add_peer(std::move(p));
    if (auto* e = std::get_if<wireguard::wg_errc>(&r))
      throw std::invalid_argument(std::string{"peer rejected: "}
                                  + std::string{wireguard::to_string(*e)});
  }
  // IPv4 socket first, so that port 0 picks a port the IPv6 socket then shares.
  sock4_.open(asio::ip::udp::v4());
  sock4_.bind({asio::ip::udp::v4(), cfg.listen_port});
  port_ = sock4_.local_endpoint().port();
  big_buffers(sock4_);
  sock4_.non_blocking(true);
  asio::error_code ec;
  sock6_.open(asio::ip::udp::v6(), ec);
  if (!ec) {
    sock6_.set_option(asio::ip::v6_only(true), ec);
    sock6_.bind({asio::ip::udp::v6(), port_}, ec);
    if (ec) {
      sock6_.close(ec); // no IPv6 on this host: IPv4 only
    } else {
      big_buffers(sock6_);
      sock6_.non_blocking(true);
    }
  }
}

dataplane::~dataplane() = default;

void dataplane::start() {
  wait_readable(sock4_);
  if (sock6_.is_open())
    wait_readable(sock6_);
  // Peers with a persistent keepalive and an endpoint handshake right away (wg(8) behaviour).
  timer_out_.clear();
  ep_.dispatch_events(std::chrono::steady_clock::now(), std::chrono::system_clock::now(),
                      timer_out_);
  handle(timer_out_);
  arm();
}

void dataplane::wait_readable(asio::ip::udp::socket& s) {
  s.async_wait(asio::ip::udp::socket::wait_read, [this, &s](const asio::error_code& ec) {
    if (ec)
      return;
    drain(s);
    wait_readable(s);
  });
}

void dataplane::drain(asio::ip::udp::socket& s) {
  // Left uninitialised on purpose: a datagram touches only the pages it fills, so the receive
  // buffers cost about a page per slot of resident memory, not batch * max_datagram (4 MiB).
  static thread_local std::unique_ptr<std::uint8_t[]> buf_mem(
    new std::uint8_t[batch * max_datagram]);
  std::uint8_t* bufs = buf_mem.get();
  mmsghdr msgs[batch];
  iovec iovs[batch];
  sockaddr_storage addrs[batch];
  // Bounded rounds per wake-up, so one busy socket cannot starve the others.
  for (int round = 0; round < 16; ++round) {
    for (std::size_t i = 0; i < batch; ++i) {
      iovs[i] = {bufs + i * max_datagram, max_datagram};
      std::memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
    }
    int n = ::recvmmsg(s.native_handle(), msgs, batch, MSG_DONTWAIT, nullptr);
    if (n <= 0)
      break;
    auto now = std::chrono::steady_clock::now();
    auto wall = std::chrono::system_clock::now();
    recv_out_.clear();
    for (int i = 0; i < n; ++i) {
      ++stats_.datagrams_in;
      ep_.recv(now, wall, from_sockaddr(addrs[i]),
               {bufs + static_cast<std::size_t>(i) * max_datagram, msgs[i].msg_len}, recv_out_);
    }
    handle(recv_out_);
    if (static_cast<std::size_t>(n) < batch)
      break;
  }
  arm();
}

void dataplane::send(std::span<const std::uint8_t> ip_packet) {
  ++stats_.packets_from_stack;
  send_out_.clear();
  ep_.send(std::chrono::steady_clock::now(), std::chrono::system_clock::now(), ip_packet,
           send_out_);
  if (send_out_.dropped == wireguard::wg_errc::no_route)
    ++stats_.no_route;
  // Only datagrams can come out of send(); packets for the stack cannot.
  for (auto& d : send_out_.to_network)
    queue(d);
  for (auto& e : send_out_.events)
    if (events_)
      events_(e);
  arm();
}

void dataplane::handle(wireguard::endpoint_result& r) {
  for (auto& d : r.to_network)
    queue(d);
  for (auto& e : r.events)
    if (events_)
      events_(e);
  for (auto& p : r.to_local) {
    ++stats_.packets_to_stack;
    deliver_(p.bytes);
  }
  if (!r.to_local.empty() && batch_end_)
    batch_end_();
}

void dataplane::queue(const wireguard::outbound_datagram& d) {
  if (outq_size_ == outq_.size())
    outq_.emplace_back();
  auto& slot = outq_[outq_size_++];
  slot.to = d.to;
  slot.bytes.assign(d.bytes.begin(), d.bytes.end());
  if (outq_size_ >= batch) {
    flush();
  } else if (!flush_posted_) {
    // Send at the end of the current engine step: packets produced together leave together.
    flush_posted_ = true;
    asio::post(io_, [this] {
      flush_posted_ = false;
      flush();
    });
  }
}

void dataplane::flush() {
  std::size_t done = 0;
  while (done < outq_size_) {
    mmsghdr msgs[batch];
    iovec iovs[batch];
    sockaddr_storage addrs[batch];
    std::size_t k = 0;
    // One sendmmsg per address family: consecutive datagrams of the same family.
    bool v6 = outq_[done].to.ip.family == wireguard::ip_family::v6;
    while (done + k < outq_size_ && k < batch
           && (outq_[done + k].to.ip.family == wireguard::ip_family::v6) == v6) {
      auto& d = outq_[done + k];
      iovs[k] = {d.bytes.data(), d.bytes.size()};
      std::memset(&msgs[k], 0, sizeof msgs[k]);
      msgs[k].msg_hdr.msg_iov = &iovs[k];
      msgs[k].msg_hdr.msg_iovlen = 1;
      msgs[k].msg_hdr.msg_name = &addrs[k];
      msgs[k].msg_hdr.msg_namelen = to_sockaddr(d.to, addrs[k]);
      ++k;
    }
    auto& s = v6 ? sock6_ : sock4_;
    if (!s.is_open()) {
      stats_.send_errors += k;
      done += k;
      continue;
    }
    std::size_t sent = 0;
    while (sent < k) {
      int n
        = ::sendmmsg(s.native_handle(), msgs + sent, static_cast<unsigned>(k - sent), MSG_DONTWAIT);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
        stats_.datagrams_out += static_cast<std::uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      // A full socket buffer or an unreachable peer: UDP drops, as the network would.
      ++stats_.send_errors;
      ++sent;
    }
    done += k;
  }
  outq_size_ = 0;
}

void dataplane::arm() {
  auto at = ep_.next_deadline();
  if (!at || (timer_armed_ && armed_at_ <= *at))
    return;
  timer_armed_ = true;
  armed_at_ = *at;
  timer_.expires_at(*at);
  timer_.async_wait([this](const asio::error_code& ec) {
    if (ec)
      return;
    timer_armed_ = false;
    timer_out_.clear();
    ep_.dispatch_events(std::chrono::steady_clock::now(), std::chrono::system_clock::now(),
                        timer_out_);
    handle(timer_out_);
    arm();
  });
}

bool dataplane::has_route(const netstack::ip_address& a) const {
  // The endpoint's own table: peers added, changed or removed later (a tailnet's netmaps)
  // route at once.
  return ep_.route(to_wg(a)).has_value();
}

std::vector<wireguard::peer_status> dataplane::peer_status() const {
  std::vector<wireguard::peer_status> out;
  for (auto id : ep_.peers())
    if (auto s = ep_.status(id))
      out.push_back(std::move(*s));
  return out;
}

} // namespace tsnode::engine
