#include "control/noise_ik.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "crypto/x25519.hpp"

namespace tsnode::control {

std::string noise_prologue(std::uint16_t version) {
  std::string out{noise_prologue_prefix};
  out += std::to_string(version);
  return out;
}

noise_ik_client::noise_ik_client(crypto::symmetric_state state, crypto::secret<32> ephemeral,
                                 crypto::secret<32> machine)
  : state_(std::move(state))
  , ephemeral_(std::move(ephemeral))
  , machine_(std::move(machine)) {
  // nop
}

std::variant<noise_ik_client, control_error>
noise_ik_client::start(const crypto::machine_private& machine, const crypto::machine_public& server,
                       std::uint16_t version, crypto::random_source& rng) {
  auto eph = crypto::machine_private::generate(rng);
  return start(machine, server, version, eph.raw().clone());
}

std::variant<noise_ik_client, control_error>
noise_ik_client::start(const crypto::machine_private& machine, const crypto::machine_public& server,
                       std::uint16_t version, crypto::secret<32> ephemeral) {
  // §2.3 steps 1-5: -> e, es, s, ss with empty payloads.
  crypto::symmetric_state ss{noise_protocol_name};
  ss.mix_hash(as_bytes(noise_prologue(version)));
  ss.mix_hash(server.bytes); // pre-message <- s
  auto e_pub = crypto::x25519_public(ephemeral);
  ss.mix_hash(e_pub);
  auto es = crypto::x25519(ephemeral, server.bytes);
  auto static_ss = crypto::x25519(machine.raw(), server.bytes);
  if (!es || !static_ss)
    return control_error{control_errc::bad_server_key, {}};
  auto k = ss.mix_key(es->view());
  auto machine_pub = machine.public_key();
  auto enc_s = ss.encrypt_and_hash(k, machine_pub.bytes);
  k = ss.mix_key(static_ss->view());
  auto tag = ss.encrypt_and_hash(k, {});

  noise_ik_client out{std::move(ss), std::move(ephemeral), machine.raw().clone()};
  auto* p = out.initiation_.data();
  // Trap #2: the leading u16 is the capability version, the same one as in the prologue.
  store_be16(p, version);
  p[2] = static_cast<std::uint8_t>(frame_type::initiation);
  store_be16(p + 3, initiation_payload_size);
  std::copy(e_pub.begin(), e_pub.end(), p + 5);
  std::copy(enc_s.begin(), enc_s.end(), p + 5 + 32);
  std::copy(tag.begin(), tag.end(), p + 5 + 32 + 48);
  return out;
}

handshake_step noise_ik_client::feed(byte_view bytes) {
  if (done_)
    return control_error{control_errc::finished, {}};
  // Take only as many bytes as the frame needs: what follows belongs to the record stream.
  std::size_t used = 0;
  auto take = [&](std::size_t want) {
    if (buffer_.size() >= want)
      return;
    auto n = std::min(want - buffer_.size(), bytes.size() - used);
    buffer_.insert(buffer_.end(), bytes.begin() + static_cast<std::ptrdiff_t>(used),
                   bytes.begin() + static_cast<std::ptrdiff_t>(used + n));
    used += n;
  };
  take(frame_header_size);
  if (buffer_.size() < frame_header_size)
    return handshake_pending{};
  auto type = buffer_[0];
  auto len = load_be16(buffer_.data() + 1);
  if (type == static_cast<std::uint8_t>(frame_type::error)) {
    // §2.3: an unauthenticated error text may replace the response; Go surfaces it as
    // "server error". Its length is at most 65535, so buffering it is bounded.
    take(frame_header_size + len);
    if (buffer_.size() < frame_header_size + len)
      return handshake_pending{};
    done_ = true;
    std::string text(buffer_.begin() + frame_header_size, buffer_.end());
    return control_error{control_errc::server_error, std::move(text)};
  }
  if (type != static_cast<std::uint8_t>(frame_type::response) || len != response_payload_size) {
    done_ = true;
    return control_error{control_errc::bad_handshake_message,
                         "type " + std::to_string(type) + " length " + std::to_string(len)};
  }
  take(response_size);
  if (buffer_.size() < response_size)
    return handshake_pending{};
  done_ = true;
  auto step = finish_response();
  if (auto* c = std::get_if<handshake_complete>(&step))
    c->consumed = used;
  return step;
}

handshake_step noise_ik_client::finish_response() {
  // §2.3 step 6: <- e, ee, se; then the empty payload's tag.
  byte_array<32> re;
  std::copy_n(buffer_.begin() + frame_header_size, 32, re.begin());
  state_.mix_hash(re);
  auto ee = crypto::x25519(ephemeral_, re);
  auto se = crypto::x25519(machine_, re);
  if (!ee || !se)
    return control_error{control_errc::bad_server_key, "server ephemeral"};
  state_.mix_key(ee->view());
  auto k = state_.mix_key(se->view());
  auto payload = state_.decrypt_and_hash(k, byte_view{buffer_.data() + frame_header_size + 32, 16});
  ephemeral_.clear();
  machine_.clear();
  if (!payload)
    return control_error{control_errc::handshake_failed, {}};
  // §2.3 step 7: client sends with k1 and receives with k2.
  auto split = state_.split();
  handshake_complete out{
    transport_keys{std::move(split.first), std::move(split.second), state_.hash()}, 0};
  return out;
}

} // namespace tsnode::control
