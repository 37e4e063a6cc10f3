#pragma once
/// @file
/// A proxy client's socket while its session negotiates (SOCKS5 / HTTP CONNECT), on the engine
/// thread. It reads only when asked, so nothing after the request is consumed before the splice
/// takes the socket over; release() hands the descriptor on.

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace tsnode::engine {

class client_conn : public std::enable_shared_from_this<client_conn> {
public:
  /// Adopts `fd` (a connected stream socket).
  client_conn(asio::io_context& io, int fd);
  ~client_conn();

  /// Reads what is available (at most 16 KiB). `done` gets the bytes; empty means EOF or error.
  void read_some(std::function<void(std::vector<std::uint8_t>)> done);
  /// Writes all of `bytes`; `done(ok)` runs afterwards.
  void write(std::vector<std::uint8_t> bytes, std::function<void(bool)> done);
  /// Gives up the descriptor (-1 if already closed). Pending operations are cancelled.
  int release();
  /// Closes the socket; with `reset`, the client sees RST instead of FIN.
  void close(bool reset = false);
  bool is_open() const noexcept { return sock_.is_open(); }

private:
  asio::posix::stream_descriptor sock_;
};

} // namespace tsnode::engine
