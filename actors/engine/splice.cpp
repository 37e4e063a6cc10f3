#include "actors/engine/splice.hpp"

#include <asio/post.hpp>

#include <cerrno>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace tsnode::engine {

namespace {

/// One read buffer for every splice: the engine is single-threaded and each read is written
/// into lwIP (copied) before the next one, so idle connections hold no buffer at all.
std::vector<std::uint8_t>& scratch() {
  static thread_local std::vector<std::uint8_t> buf(256 * 1024);
  return buf;
}

/// Bytes moved per pump call before yielding to other sockets (fairness between splices).
constexpr std::size_t pump_budget = 1024 * 1024;

} // namespace

splice::splice(asio::io_context& io, std::unique_ptr<netstack::tcp_connection> conn, int fd,
               std::vector<std::uint8_t> leftover, std::function<void()> kick, done_fn done)
  : io_(io)
  , sock_(io, fd)
  , conn_(std::move(conn))
  , leftover_(std::move(leftover))
  , kick_(std::move(kick))
  , done_(std::move(done)) {
  sock_.non_blocking(true);
  conn_->set_handler(this);
}

splice::~splice() {
  if (conn_)
    conn_->set_handler(nullptr);
}

void splice::start() {
  pump_to_overlay();
  pump_to_host();
  kick_();
}

void splice::abort() {
  finish(true);
}

void splice::on_readable(netstack::tcp_connection&) {
  pump_to_host();
}

void splice::on_writable(netstack::tcp_connection&) {
  pump_to_overlay();
}

void splice::on_remote_closed(netstack::tcp_connection&) {
  pump_to_host();
}

void splice::on_error(netstack::tcp_connection&, netstack::netstack_errc e) {
  result_.overlay_error = e;
  // The pcb is gone; let lwIP finish its callback before tearing down.
  asio::post(io_, [self = shared_from_this()] { self->finish(true); });
}

void splice::pump_to_overlay() {
  std::size_t moved = 0;
  while (!finished_ && !host_eof_ && moved < pump_budget) {
    if (leftover_off_ < leftover_.size()) {
      auto n = conn_->write({leftover_.data() + leftover_off_, leftover_.size() - leftover_off_});
      leftover_off_ += n;
      result_.to_overlay += n;
      if (leftover_off_ < leftover_.size())
        return; // on_writable() continues
      leftover_.clear();
      leftover_.shrink_to_fit();
      continue;
    }
    auto room = conn_->writable();
    if (room == 0)
      return; // back-pressure: stop reading the client until lwIP has space (on_writable)
    auto& buf = scratch();
    auto want = std::min(room, buf.size());
    auto n = ::read(sock_.native_handle(), buf.data(), want);
    if (n > 0) {
      auto taken = conn_->write({buf.data(), static_cast<std::size_t>(n)});
      // writable() promised the room; anything else is a bug in the accounting, not input.
      result_.to_overlay += taken;
      moved += taken;
      if (taken < static_cast<std::size_t>(n)) {
        leftover_.assign(buf.data() + taken, buf.data() + n);
        leftover_off_ = 0;
        return;
      }
      continue;
    }
    if (n == 0) {
      host_eof_ = true; // client half-closed: pass the FIN on
      conn_->shutdown_write();
      maybe_finish();
      return;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_readable();
      return;
    }
    result_.host_error = true;
    finish(true);
    return;
  }
  if (!finished_ && !host_eof_ && moved >= pump_budget)
    asio::post(io_, [self = shared_from_this()] {
      self->pump_to_overlay();
      self->kick_();
    });
}

void splice::pump_to_host() {
  std::size_t moved = 0;
  while (!finished_ && moved < pump_budget) {
    std::span<const std::uint8_t> runs[64];
    auto k = conn_->peek_many(runs);
    if (k == 0) {
      if (conn_->remote_closed() && !host_write_shut_) {
        host_write_shut_ = true; // server half-closed: pass the FIN on
        ::shutdown(sock_.native_handle(), SHUT_WR);
        maybe_finish();
      }
      return;
    }
    iovec iov[64];
    for (std::size_t i = 0; i < k; ++i)
      iov[i] = {const_cast<std::uint8_t*>(runs[i].data()), runs[i].size()};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = k;
    auto n = ::sendmsg(sock_.native_handle(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      conn_->consume(static_cast<std::size_t>(n)); // reopens the overlay window by as much
      result_.to_host += static_cast<std::uint64_t>(n);
      moved += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wait_writable();
      return;
    }
    result_.host_error = true;
    finish(true);
    return;
  }
  if (!finished_ && moved >= pump_budget)
    asio::post(io_, [self = shared_from_this()] {
      self->pump_to_host();
      self->kick_();
    });
}

void splice::wait_readable() {
  if (waiting_read_)
    return;
  waiting_read_ = true;
  sock_.async_wait(asio::posix::stream_descriptor::wait_read,
                   [self = shared_from_this()](const asio::error_code& ec) {
                     self->waiting_read_ = false;
                     if (ec || self->finished_)
                       return;
                     self->pump_to_overlay();
                     self->kick_();
                   });
}

void splice::wait_writable() {
  if (waiting_write_)
    return;
  waiting_write_ = true;
  sock_.async_wait(asio::posix::stream_descriptor::wait_write,
                   [self = shared_from_this()](const asio::error_code& ec) {
                     self->waiting_write_ = false;
                     if (ec || self->finished_)
                       return;
                     self->pump_to_host();
                     self->kick_();
                   });
}

void splice::maybe_finish() {
  if (host_eof_ && host_write_shut_)
    finish(false);
}

void splice::finish(bool abortive) {
  if (finished_)
    return;
  finished_ = true;
  if (conn_) {
    if (abortive)
      conn_->abort();
    else
      conn_->close(); // lwIP still delivers what is queued, then FIN
  }
  if (abortive && sock_.is_open()) {
    // Tell the client the way TCP would: a reset, not a clean end of stream.
    ::linger lg{1, 0};
    ::setsockopt(sock_.native_handle(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  asio::error_code ignored;
  sock_.close(ignored);
  kick_();
  asio::post(io_, [self = shared_from_this()] {
    if (self->done_)
      self->done_(self->result_);
    self->done_ = nullptr;
  });
}

} // namespace tsnode::engine
