#pragma once
/// @file
/// Framing of the streaming `/machine/map` response body (tailscale-protocol.md §4.2, trap #6;
/// Go control/controlclient/direct.go, headscale hscontrol/poll.go writeMap): each message is a
/// 4-byte **little-endian** length, then that many bytes of MapResponse JSON, or of zstd when
/// the request said `"Compress":"zstd"`. Messages may be split or merged across HTTP/2 DATA
/// frames; this reader reassembles them from any chunking. zstd bodies are decompressed as they
/// arrive with ZSTD_decompressStream (dependencies.md §5), so neither side of the bound is ever
/// exceeded in memory.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/errors.hpp"
#include "crypto/bytes.hpp"

namespace tsnode::control {

/// How MapResponse bodies are encoded: as requested in MapRequest.Compress.
enum class map_compression : std::uint8_t {
  none, ///< Compress omitted: plain JSON
  zstd, ///< Compress "zstd": one (or more) zstd frames per message
};

/// Bounds of one message. tailscale-rs uses 16 MiB compressed and 64 MiB decoded
/// (tailscale-rs-notes.md §5); a real tailnet's netmap is far smaller.
struct map_stream_limits {
  std::size_t max_encoded = 64u << 20; ///< the length prefix
  std::size_t max_decoded = 64u << 20; ///< the JSON after decompression
};

/// What one map_stream_reader::feed() call yields.
struct map_stream_read {
  std::vector<std::string> messages;  ///< complete MapResponse JSON texts, in order
  std::optional<control_error> error; ///< the stream is unusable (messages before it are good)
};

/// Reassembles MapResponse messages from the map poll's response body.
class map_stream_reader {
public:
  explicit map_stream_reader(map_compression compression, map_stream_limits limits = {});
  ~map_stream_reader();
  map_stream_reader(map_stream_reader&&) noexcept;
  map_stream_reader& operator=(map_stream_reader&&) noexcept;

  /// Consumes body bytes. Errors: map_message_too_large (a length above max_encoded, or a body
  /// decompressing to more than max_decoded), empty_map_message (a zero length), bad_zstd (a
  /// body that is not zstd or ends mid-frame). Any error is final: later calls repeat it.
  map_stream_read feed(byte_view bytes);

  /// Returns whether the reader stands between messages (the body may end here cleanly).
  bool at_boundary() const noexcept;

private:
  std::optional<control_error> finish_message(std::vector<std::string>& out);
  std::optional<control_error> decompress(byte_view in);

  struct zstd_state;
  map_compression compression_;
  map_stream_limits limits_;
  byte_array<4> length_bytes_{};
  std::size_t length_have_ = 0;
  std::size_t remaining_ = 0; ///< body bytes of the current message still to come
  bool in_body_ = false;
  std::string current_; ///< the message's JSON so far
  std::unique_ptr<zstd_state> zstd_;
  std::optional<control_error> error_;
};

} // namespace tsnode::control
