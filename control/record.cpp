#include "control/record.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace tsnode::control {

namespace {

/// §2.4: the cipher is "exhausted" before it would use the counter 2^64-1.
constexpr std::uint64_t counter_limit = std::numeric_limits<std::uint64_t>::max();

} // namespace

record_writer::record_writer(crypto::key32 key, std::uint64_t first_counter) noexcept
  : key_(std::move(key))
  , counter_(first_counter) {
  // nop
}

std::variant<byte_buffer, control_error> record_writer::seal(byte_view plaintext) {
  if (dead_)
    return control_error{control_errc::direction_dead, {}};
  auto records = (plaintext.size() + max_plaintext_size - 1) / max_plaintext_size;
  if (records > counter_limit - counter_) {
    dead_ = true;
    return control_error{control_errc::counter_exhausted, {}};
  }
  byte_buffer out;
  out.reserve(plaintext.size() + records * (record_header_size + crypto::aead_tag_size));
  for (std::size_t off = 0; off < plaintext.size(); off += max_plaintext_size) {
    auto n = std::min(max_plaintext_size, plaintext.size() - off);
    auto at = out.size();
    out.resize(at + record_header_size + n + crypto::aead_tag_size);
    out[at] = 4; // frame_type::record
    store_be16(out.data() + at + 1, static_cast<std::uint16_t>(n + crypto::aead_tag_size));
    // Trap #1: big-endian counter nonce (Noise and WireGuard use little-endian).
    crypto::seal(key_, crypto::nonce_be64(counter_++), {}, plaintext.subspan(off, n),
                 std::span{out}.subspan(at + record_header_size, n + crypto::aead_tag_size));
  }
  return out;
}

record_reader::record_reader(crypto::key32 key, std::uint64_t first_counter) noexcept
  : key_(std::move(key))
  , counter_(first_counter) {
  partial_.reserve(max_record_size);
}

record_read record_reader::feed(byte_view bytes) {
  record_read out;
  if (dead_) {
    out.error = control_error{control_errc::direction_dead, {}};
    return out;
  }
  auto fail = [&](control_errc code, std::string detail = {}) {
    dead_ = true;
    partial_.clear();
    out.error = control_error{code, std::move(detail)};
    return std::move(out);
  };
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    // Gather the header, then the announced ciphertext; never more than one record.
    std::size_t want = record_header_size;
    if (partial_.size() >= record_header_size)
      want += load_be16(partial_.data() + 1);
    auto n = std::min(want - partial_.size(), bytes.size() - pos);
    partial_.insert(partial_.end(), bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                    bytes.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
    if (partial_.size() == record_header_size) {
      if (partial_[0] != 4)
        return fail(control_errc::unexpected_record_type, "type " + std::to_string(partial_[0]));
      auto len = load_be16(partial_.data() + 1);
      if (len > max_ciphertext_size)
        return fail(control_errc::record_too_large, "length " + std::to_string(len));
      if (len < crypto::aead_tag_size)
        return fail(control_errc::bad_record, "shorter than the tag");
      continue;
    }
    if (partial_.size() < record_header_size
        || partial_.size() < record_header_size + load_be16(partial_.data() + 1))
      continue;
    if (counter_ == counter_limit)
      return fail(control_errc::counter_exhausted);
    auto ct = byte_view{partial_}.subspan(record_header_size);
    auto at = out.plaintext.size();
    out.plaintext.resize(at + ct.size() - crypto::aead_tag_size);
    if (!crypto::open(key_, crypto::nonce_be64(counter_), {}, ct,
                      std::span{out.plaintext}.subspan(at))) {
      out.plaintext.resize(at);
      return fail(control_errc::bad_record, "counter " + std::to_string(counter_));
    }
    ++counter_;
    partial_.clear();
  }
  return out;
}

} // namespace tsnode::control
