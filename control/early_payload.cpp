#include "control/early_payload.hpp"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

namespace tsnode::control {

std::variant<early_noise, control_error> parse_early_noise(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return control_error{control_errc::bad_early_payload, "not a JSON object"};
  early_noise out;
  auto it = j.find("nodeKeyChallenge");
  if (it == j.end() || it->is_null())
    return out;
  if (!it->is_string())
    return control_error{control_errc::bad_early_payload, "nodeKeyChallenge is not a string"};
  auto key = challenge_public::parse(it->get_ref<const std::string&>());
  if (auto* e = std::get_if<crypto::key_errc>(&key))
    return control_error{control_errc::bad_key,
                         "nodeKeyChallenge: " + std::string{crypto::to_string(*e)}};
  out.node_key_challenge = std::get<challenge_public>(key);
  return out;
}

early_payload_read early_payload_stripper::feed(byte_view bytes) {
  early_payload_read out;
  std::size_t pos = 0;
  if (state_ == state::header) {
    while (pos < bytes.size() && held_.size() < early_payload_header_size) {
      auto b = bytes[pos];
      if (held_.size() < early_payload_magic.size() && b != early_payload_magic[held_.size()]) {
        // Not the magic: these bytes start the HTTP/2 stream (trap #4: replay them).
        state_ = state::passthrough;
        out.http2 = std::move(held_);
        held_.clear();
        break;
      }
      held_.push_back(b);
      ++pos;
    }
    if (state_ == state::header && held_.size() == early_payload_header_size) {
      body_size_ = load_be32(held_.data() + early_payload_magic.size());
      held_.clear();
      if (body_size_ > max_early_payload_size) {
        state_ = state::failed;
        error_ = control_error{control_errc::early_payload_too_large,
                               "length " + std::to_string(body_size_)};
      } else {
        state_ = state::body;
      }
    }
  }
  if (state_ == state::body) {
    auto n = std::min<std::size_t>(body_size_ - held_.size(), bytes.size() - pos);
    held_.insert(held_.end(), bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                 bytes.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
    if (held_.size() == body_size_) {
      auto r = parse_early_noise(
        std::string_view{reinterpret_cast<const char*>(held_.data()), held_.size()});
      held_.clear();
      held_.shrink_to_fit();
      if (auto* e = std::get_if<control_error>(&r)) {
        state_ = state::failed;
        error_ = std::move(*e);
      } else {
        state_ = state::passthrough;
        out.payload = std::move(std::get<early_noise>(r));
      }
    }
  }
  if (state_ == state::failed) {
    out.http2.clear();
    out.payload.reset();
    out.error = error_;
    return out;
  }
  if (state_ == state::passthrough)
    out.http2.insert(out.http2.end(), bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                     bytes.end());
  return out;
}

} // namespace tsnode::control
