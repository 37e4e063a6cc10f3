#pragma once
/// @file
/// Splices a host stream socket (a proxy client) with an overlay TCP connection, on the engine
/// thread, with back-pressure both ways (design.md "The data path"):
/// - host -> overlay: the socket is read only while lwIP has send space, and only that much;
/// - overlay -> host: lwIP's window reopens only after bytes reached the host socket.
/// Half-closes pass through both ways. No per-connection buffers: one engine-wide scratch
/// buffer for reads, vectored writes straight from lwIP's pbufs.

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "netstack/tcp_connection.hpp"

namespace tsnode::engine {

/// What a splice moved, and how it ended.
struct splice_result {
  std::uint64_t to_overlay = 0; ///< bytes from the host socket into the overlay
  std::uint64_t to_host = 0;    ///< bytes from the overlay to the host socket
  std::optional<netstack::netstack_errc> overlay_error; ///< set when the overlay side failed
  bool host_error = false; ///< the host socket failed (reset, broken pipe)
};

class splice : public netstack::tcp_handler, public std::enable_shared_from_this<splice> {
public:
  using done_fn = std::function<void(const splice_result&)>;

  /// Takes `conn` and the host socket `fd` (closed by the splice). `leftover` is client data
  /// read during negotiation, sent into the overlay first. `kick` is called after lwIP work so
  /// the owner can re-arm lwIP's timers. `done` runs once, posted, when both sides are finished.
  splice(asio::io_context& io, std::unique_ptr<netstack::tcp_connection> conn, int fd,
         std::vector<std::uint8_t> leftover, std::function<void()> kick, done_fn done);
  ~splice() override;

  /// Starts moving bytes. Call once, on the engine thread.
  void start();
  /// Aborts both sides now (RST to both).
  void abort();

  const splice_result& result() const noexcept { return result_; }

  // -- tcp_handler ------------------------------------------------------------------------------
  void on_readable(netstack::tcp_connection&) override;
  void on_writable(netstack::tcp_connection&) override;
  void on_remote_closed(netstack::tcp_connection&) override;
  void on_error(netstack::tcp_connection&, netstack::netstack_errc e) override;

private:
  void pump_to_overlay();
  void pump_to_host();
  void wait_readable();
  void wait_writable();
  void maybe_finish();
  void finish(bool abortive);

  asio::io_context& io_;
  asio::posix::stream_descriptor sock_;
  std::unique_ptr<netstack::tcp_connection> conn_;
  std::vector<std::uint8_t> leftover_;
  std::size_t leftover_off_ = 0;
  std::function<void()> kick_;
  done_fn done_;
  splice_result result_;
  bool waiting_read_ = false, waiting_write_ = false;
  bool host_eof_ = false, host_write_shut_ = false, finished_ = false;
};

} // namespace tsnode::engine
