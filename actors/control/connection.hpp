#pragma once
/// @file
/// One control connection on the engine thread (control/README.md "How the shell drives it",
/// tailscale-protocol.md §2): resolve, TCP connect, `GET /key?v=130` on its own connection (TLS
/// verified for https: the only trust anchor of the server key, §2.1), then a second connection
/// for `POST /ts2021` (HTTP/1.1, no ALPN: trap #19), the Noise IK handshake, records, the early
/// payload stripped and HTTP/2 with prior knowledge. It then carries RPCs (whole bodies,
/// bounded) and the map stream (each message as it completes). Every method runs on the engine
/// thread; results go to the handler, which the owner turns into caf::anon_send (caf-asio.md §1).

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "control/early_payload.hpp"
#include "control/h2_client.hpp"
#include "control/map_stream.hpp"
#include "control/noise_ik.hpp"
#include "control/record.hpp"
#include "control/upgrade.hpp"
#include "crypto/keys.hpp"
#include "crypto/random.hpp"

namespace tsnode::control_io {

/// A control server URL: `http://host[:port]` or `https://host[:port]`, an optional trailing
/// `/`, IPv6 hosts in brackets.
struct server_url {
  bool tls = false;
  std::string host; ///< without brackets
  std::uint16_t port = 0;
  std::string authority; ///< host[:port] as written: the Host header and :authority
  std::string text;      ///< the URL as given, without the trailing '/'
};

/// Returns the parsed URL, or nullopt when it is not of the form above.
std::optional<server_url> parse_server_url(std::string_view url);

/// Go's client limit for RPC bodies (§2.6).
inline constexpr std::size_t max_rpc_body = 1u << 20;

/// The ts2021 connection is up: RPCs and the map stream may be started.
struct conn_up {
  std::chrono::milliseconds took{0}; ///< from start() to the handshake's end
};
/// An RPC is over. `error` set: no usable answer (body over the bound, stream reset).
struct rpc_done {
  std::uint64_t id = 0;
  int status = 0;
  std::string body;
  std::string retry_after; ///< the Retry-After header, "" when absent
  std::string error;
};
/// A complete map message (JSON; zstd already undone).
struct map_message {
  std::string json;
};
/// The map stream ended (the server ended it, reset it, answered non-200, or its framing broke).
struct map_closed {
  std::string why;
  int status = 0; ///< the HTTP status of the map answer (0: none came)
};
/// The connection failed or closed; nothing more comes from it.
struct conn_down {
  std::string why;
};
using conn_event = std::variant<conn_up, rpc_done, map_message, map_closed, conn_down>;

class connection : public std::enable_shared_from_this<connection> {
public:
  using handler = std::function<void(conn_event)>;

  /// `rng` makes the Noise ephemeral and must outlive the connection. `handler` runs on the
  /// engine thread.
  connection(asio::io_context& io, server_url url, crypto::machine_private machine,
             crypto::random_source& rng, std::chrono::milliseconds connect_timeout, handler h);
  ~connection();

  /// Connects; conn_up or conn_down follows.
  void start();
  /// POSTs `body` (JSON) to `path`; rpc_done follows (or conn_down). Bodies above `max_body`
  /// are cut off with an error (the stream is cancelled).
  void rpc(std::uint64_t id, const std::string& path, const std::string& body,
           std::size_t max_body = max_rpc_body);
  /// POSTs the streaming MapRequest `body` to /machine/map; each message becomes a map_message.
  void open_map(const std::string& body, control::map_compression compression,
                control::map_stream_limits limits = {});
  /// Closes everything; no event follows. Idempotent.
  void close();

private:
  enum class phase : std::uint8_t { idle, key, upgrade, handshake, running, closed };
  struct stream_info {
    bool is_map = false;
    std::uint64_t rpc_id = 0;
    std::size_t max_body = 0;
    int status = 0;
    std::string body; ///< RPC body, or the error text of a non-200 map answer
    std::string retry_after;
    std::optional<control::map_stream_reader> reader;
  };

  void dial(std::function<void()> next);
  void fetch_key();
  void read_key();
  void finish_key();
  void upgrade();
  void read_loop();
  void on_bytes(byte_view data);
  void handle_h2_events();
  void flush();
  void write_next();
  void fail(std::string why);
  void emit(conn_event ev);
  template <class Buffers, class Handler>
  void async_read_some(const Buffers& b, Handler&& h);
  template <class Buffers, class Handler>
  void async_write(const Buffers& b, Handler&& h);

  asio::io_context& io_;
  server_url url_;
  crypto::machine_private machine_;
  crypto::random_source& rng_;
  std::chrono::milliseconds connect_timeout_;
  handler handler_;
  std::chrono::steady_clock::time_point started_;

  asio::ip::tcp::resolver resolver_;
  asio::ip::tcp::resolver::results_type endpoints_;
  asio::ssl::context ssl_;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket>> stream_;
  asio::steady_timer deadline_;
  phase phase_ = phase::idle;

  std::string key_response_;
  crypto::machine_public server_key_;
  control::upgrade_response_reader upgrade_reader_;
  std::optional<control::noise_ik_client> handshake_;
  std::optional<control::record_writer> writer_;
  std::optional<control::record_reader> reader_;
  control::early_payload_stripper strip_;
  std::optional<control::h2_client> h2_;
  std::map<control::stream_id, stream_info> streams_;

  std::array<std::uint8_t, 16384> read_buf_{};
  std::deque<byte_buffer> out_;
  bool writing_ = false;
};

} // namespace tsnode::control_io
