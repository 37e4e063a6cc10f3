#include "control/map_stream.hpp"

#include <algorithm>
#include <string>

#include <zstd.h>

namespace tsnode::control {

struct map_stream_reader::zstd_state {
  ZSTD_DStream* stream = nullptr;
  std::size_t last_ret = 0; ///< 0 when the last frame completed
  zstd_state()
    : stream(ZSTD_createDStream()) {}
  ~zstd_state() { ZSTD_freeDStream(stream); }
  zstd_state(const zstd_state&) = delete;
  zstd_state& operator=(const zstd_state&) = delete;
};

map_stream_reader::map_stream_reader(map_compression compression, map_stream_limits limits)
  : compression_(compression)
  , limits_(limits) {
  // nop
}

map_stream_reader::~map_stream_reader() = default;
map_stream_reader::map_stream_reader(map_stream_reader&&) noexcept = default;
map_stream_reader& map_stream_reader::operator=(map_stream_reader&&) noexcept = default;

bool map_stream_reader::at_boundary() const noexcept {
  return !error_ && !in_body_ && length_have_ == 0;
}

map_stream_read map_stream_reader::feed(byte_view bytes) {
  map_stream_read out;
  if (error_) {
    out.error = error_;
    return out;
  }
  auto fail = [&](control_error e) {
    error_ = std::move(e);
    current_.clear();
    current_.shrink_to_fit();
    zstd_.reset();
    out.error = error_;
    return std::move(out);
  };
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    if (!in_body_) {
      while (length_have_ < 4 && pos < bytes.size())
        length_bytes_[length_have_++] = bytes[pos++];
      if (length_have_ < 4)
        break;
      // Trap #6: the prefix is little-endian (unlike everything else in ts2021).
      remaining_ = load_le32(length_bytes_.data());
      length_have_ = 0;
      if (remaining_ == 0)
        return fail({control_errc::empty_map_message, {}});
      if (remaining_ > limits_.max_encoded
          || (compression_ == map_compression::none && remaining_ > limits_.max_decoded))
        return fail({control_errc::map_message_too_large, "length " + std::to_string(remaining_)});
      in_body_ = true;
      current_.clear();
      if (compression_ == map_compression::zstd) {
        if (!zstd_)
          zstd_ = std::make_unique<zstd_state>();
        ZSTD_DCtx_reset(zstd_->stream, ZSTD_reset_session_only);
        zstd_->last_ret = 1;
      } else {
        current_.reserve(std::min<std::size_t>(remaining_, 1u << 20));
      }
    }
    auto n = std::min(remaining_, bytes.size() - pos);
    auto chunk = bytes.subspan(pos, n);
    pos += n;
    remaining_ -= n;
    if (compression_ == map_compression::zstd) {
      if (auto e = decompress(chunk))
        return fail(std::move(*e));
    } else {
      current_.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    }
    if (remaining_ == 0) {
      if (auto e = finish_message(out.messages))
        return fail(std::move(*e));
    }
  }
  return out;
}

std::optional<control_error> map_stream_reader::decompress(byte_view in) {
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  char buf[16384];
  // zstd's documented loop: call until the input is used up and the output was not filled
  // (a full output buffer may mean more is ready without new input).
  for (;;) {
    ZSTD_outBuffer output{buf, sizeof buf, 0};
    auto ret = ZSTD_decompressStream(zstd_->stream, &output, &input);
    if (ZSTD_isError(ret))
      return control_error{control_errc::bad_zstd, ZSTD_getErrorName(ret)};
    if (output.pos > limits_.max_decoded - current_.size())
      return control_error{control_errc::map_message_too_large, "decompressed size"};
    current_.append(buf, output.pos);
    zstd_->last_ret = ret;
    if (input.pos == input.size && output.pos < output.size)
      return std::nullopt;
  }
}

std::optional<control_error> map_stream_reader::finish_message(std::vector<std::string>& out) {
  in_body_ = false;
  if (compression_ == map_compression::zstd && zstd_->last_ret != 0)
    return control_error{control_errc::bad_zstd, "body ends inside a zstd frame"};
  out.push_back(std::move(current_));
  current_ = std::string{};
  return std::nullopt;
}

} // namespace tsnode::control
