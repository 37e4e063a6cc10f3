#pragma once
/// @file
/// HTTP/2 with prior knowledge over the decrypted ts2021 stream (tailscale-protocol.md §2.6,
/// trap #5), on nghttp2's memory API (dependencies.md §5): no sockets, no callbacks to the
/// caller. The shell loops: feed decrypted server bytes to receive() (after the early payload
/// was stripped: early_payload.hpp), send what take_output() returns through record_writer, and
/// handle take_events(). All control RPCs share one session (Go: MaxConnsPerHost 1).
///
/// Responses stream: the map poll is one long-lived response whose body arrives as h2_data
/// events piece by piece. Windows are large (16 MiB per stream and for the connection by
/// default) so a big netmap flows without waiting on WINDOW_UPDATE round trips; nghttp2 sends
/// WINDOW_UPDATE by itself as data is received. Bounding what a response may accumulate (Go:
/// 1 MiB for RPC bodies) is the caller's choice.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "control/errors.hpp"
#include "crypto/bytes.hpp"

namespace tsnode::control {

/// An HTTP/2 stream identifier (odd, client-initiated).
using stream_id = std::int32_t;

/// One header field; names are sent lowercased (HTTP/2 requires it).
struct h2_header {
  std::string name;
  std::string value;
  friend bool operator==(const h2_header&, const h2_header&) = default;
};

/// A request. Go's client uses scheme "https" and the control host as authority (§2.6).
struct h2_request {
  std::string method = "POST";
  std::string path;      ///< e.g. "/machine/register"
  std::string authority; ///< the control server's host[:port]
  std::string scheme = "https";
  std::vector<h2_header> headers; ///< e.g. content-type; content-length is added for bodies
  byte_buffer body;               ///< sent with END_STREAM after it; empty = no DATA
};

/// The final response head of a stream (1xx heads are skipped).
struct h2_response_head {
  stream_id stream = 0;
  int status = 0;
  std::vector<h2_header> headers; ///< without the :status pseudo-header
};

/// Response body bytes, in order (consecutive chunks of one stream are merged).
struct h2_data {
  stream_id stream = 0;
  byte_buffer bytes;
};

/// A stream is over. `complete` when the server ended it with END_STREAM and no error;
/// otherwise it was reset (error_code from RST_STREAM/GOAWAY, e.g. 8 = CANCEL).
struct h2_stream_end {
  stream_id stream = 0;
  bool complete = false;
  std::uint32_t error_code = 0;
};

/// The server sent GOAWAY: streams above last_stream will not be processed.
struct h2_goaway {
  stream_id last_stream = 0;
  std::uint32_t error_code = 0;
};

using h2_event = std::variant<h2_response_head, h2_data, h2_stream_end, h2_goaway>;

/// Flow-control and concurrency settings we announce.
struct h2_settings {
  std::uint32_t stream_window = 16u << 20;     ///< SETTINGS_INITIAL_WINDOW_SIZE
  std::uint32_t connection_window = 16u << 20; ///< raised with WINDOW_UPDATE on stream 0
  std::uint32_t max_concurrent_streams = 100;
};

/// A client session. Movable, not copyable.
class h2_client {
public:
  /// Returns a session that has queued the connection preface and SETTINGS (the first
  /// take_output() returns them: prior knowledge, no need to wait for the server, §2.6).
  static std::variant<h2_client, control_error> create(const h2_settings& settings = {});

  ~h2_client();
  h2_client(h2_client&&) noexcept;
  h2_client& operator=(h2_client&&) noexcept;

  /// Queues a request. Fails with http2_submit (bad header, stream IDs exhausted) or
  /// http2_closed once the session is over.
  std::variant<stream_id, control_error> submit(const h2_request& request);

  /// Feeds decrypted server bytes. Fails with http2_protocol when the server broke HTTP/2; the
  /// session is then closed (take_output may still hold a GOAWAY to send).
  std::optional<control_error> receive(byte_view bytes);

  /// Returns the bytes to send now (possibly empty): preface, SETTINGS, requests and bodies,
  /// acknowledgements and WINDOW_UPDATEs.
  std::variant<byte_buffer, control_error> take_output();

  /// Returns the events since the last call. Call it after receive() and after take_output():
  /// sending can end streams too (the RST_STREAM of cancel()).
  std::vector<h2_event> take_events();

  /// Resets one stream (RST_STREAM CANCEL), e.g. to end the map poll.
  void cancel(stream_id stream);

  /// Queues a GOAWAY: no new requests; open streams may finish.
  void shutdown();

  /// Returns whether the session still wants to read or write (false: close the connection).
  bool is_open() const noexcept;

  struct impl;

private:
  explicit h2_client(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> impl_;
};

} // namespace tsnode::control
