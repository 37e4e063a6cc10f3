#include "actors/engine/client_conn.hpp"

#include <asio/read.hpp>
#include <asio/write.hpp>

#include <sys/socket.h>

namespace tsnode::engine {

client_conn::client_conn(asio::io_context& io, int fd)
  : sock_(io, fd) {
  // nop
}

client_conn::~client_conn() {
  asio::error_code ec;
  sock_.close(ec);
}

void client_conn::read_some(std::function<void(std::vector<std::uint8_t>)> done) {
  auto buf = std::make_shared<std::vector<std::uint8_t>>(16 * 1024);
  sock_.async_read_some(asio::buffer(*buf), [self = shared_from_this(), buf,
                                             done](const asio::error_code& ec, std::size_t n) {
    if (ec) {
      done({});
      return;
    }
    buf->resize(n);
    done(std::move(*buf));
  });
}

void client_conn::write(std::vector<std::uint8_t> bytes, std::function<void(bool)> done) {
  auto buf = std::make_shared<std::vector<std::uint8_t>>(std::move(bytes));
  asio::async_write(
    sock_, asio::buffer(*buf),
    [self = shared_from_this(), buf, done](const asio::error_code& ec, std::size_t) {
      if (done)
        done(!ec);
    });
}

int client_conn::release() {
  if (!sock_.is_open())
    return -1;
  return sock_.release();
}

void client_conn::close(bool reset) {
  if (!sock_.is_open())
    return;
  if (reset) {
    ::linger lg{1, 0};
    ::setsockopt(sock_.native_handle(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  asio::error_code ec;
  sock_.close(ec);
}

} // namespace tsnode::engine
