#include "wireguard/handshake.hpp"

#include <algorithm>

#include "crypto/x25519.hpp"

namespace tsnode::wireguard {

namespace {

/// Returns the state every handshake starts from: C = HASH(CONSTRUCTION), H = HASH(C ||
/// IDENTIFIER), then H = HASH(H || S_pub_r) with the responder's static key (paper §5.4.2).
crypto::symmetric_state initial_state(const byte_array<32>& responder_static) {
  crypto::symmetric_state s{noise_construction};
  s.mix_hash(as_bytes(wg_identifier));
  s.mix_hash(responder_static);
  return s;
}

/// Returns a fresh clamped ephemeral private key.
crypto::secret<32> make_ephemeral(crypto::random_source& rng) {
  byte_array<32> raw;
  rng.fill(raw);
  crypto::x25519_clamp(raw);
  crypto::secret<32> out{raw};
  crypto::wipe(raw.data(), raw.size());
  return out;
}

template <std::size_t N>
bool copy_exact(const byte_buffer& from, byte_array<N>& to) {
  if (from.size() != N)
    return false;
  std::copy(from.begin(), from.end(), to.begin());
  return true;
}

} // namespace

local_identity::local_identity(crypto::node_private key)
  : private_(std::move(key))
  , public_(private_.public_key()) {
  // nop
}

noise_handshake::noise_handshake(const local_identity& local, const crypto::node_public& remote,
                                 crypto::key32 psk)
  : remote_static_(remote)
  , psk_(std::move(psk)) {
  // Paper §5.4.2 precomputes DH(S_priv_i, S_pub_r); it is the same in both directions.
  static_static_ = crypto::x25519(local.private_key().raw(), remote.bytes);
}

std::optional<handshake_initiation>
noise_handshake::create_initiation(const local_identity& local, crypto::random_source& rng,
                                   std::uint32_t sender_index, const crypto::tai64n& now_tai64n) {
  if (!static_static_)
    return std::nullopt;
  local_ephemeral_ = make_ephemeral(rng);
  handshake_initiation msg;
  msg.sender = sender_index;
  msg.ephemeral = crypto::x25519_public(local_ephemeral_);
  auto s = initial_state(remote_static_.bytes);
  // C = KDF1(C, E_pub_i): the first KDF2 output, the key is discarded.
  s.mix_key(msg.ephemeral);
  s.mix_hash(msg.ephemeral);
  auto es = crypto::x25519(local_ephemeral_, remote_static_.bytes);
  if (!es) {
    clear();
    return std::nullopt;
  }
  auto k = s.mix_key(es->view());
  if (!copy_exact(s.encrypt_and_hash(k, local.public_key().bytes), msg.encrypted_static))
    return std::nullopt;
  k = s.mix_key(static_static_->view());
  if (!copy_exact(s.encrypt_and_hash(k, now_tai64n), msg.encrypted_timestamp))
    return std::nullopt;
  noise_ = std::move(s);
  local_index_ = sender_index;
  state_ = handshake_state::initiation_created;
  return msg;
}

std::optional<wg_errc> noise_handshake::consume_response(const local_identity& local,
                                                         const handshake_response& msg) {
  if (state_ != handshake_state::initiation_created || !noise_ || msg.receiver != local_index_)
    return wg_errc::unknown_index;
  // Work on a copy: a forged response must not disturb the outstanding initiation.
  auto s = noise_->clone();
  s.mix_hash(msg.ephemeral);
  s.mix_key(msg.ephemeral);
  auto ee = crypto::x25519(local_ephemeral_, msg.ephemeral);
  if (!ee)
    return wg_errc::bad_handshake;
  s.mix_key(ee->view());
  auto se = crypto::x25519(local.private_key().raw(), msg.ephemeral);
  if (!se)
    return wg_errc::bad_handshake;
  s.mix_key(se->view());
  // psk2: (C, tau, k) = KDF3(C, Q); H = HASH(H || tau) (paper §5.4.3).
  auto k = s.mix_key_and_hash(psk_.view());
  if (!s.decrypt_and_hash(k, msg.encrypted_nothing))
    return wg_errc::bad_handshake;
  noise_ = std::move(s);
  remote_index_ = msg.sender;
  state_ = handshake_state::response_consumed;
  return std::nullopt;
}

std::optional<initiation_opening>
noise_handshake::open_initiation(const local_identity& local, const handshake_initiation& msg) {
  initiation_opening out{{}, initial_state(local.public_key().bytes)};
  auto& s = out.state;
  s.mix_hash(msg.ephemeral);
  s.mix_key(msg.ephemeral);
  auto es = crypto::x25519(local.private_key().raw(), msg.ephemeral);
  if (!es)
    return std::nullopt;
  auto k = s.mix_key(es->view());
  auto plain = s.decrypt_and_hash(k, msg.encrypted_static);
  if (!plain || !copy_exact(*plain, out.initiator_static.bytes))
    return std::nullopt;
  return out;
}

std::optional<wg_errc> noise_handshake::consume_initiation(initiation_opening opening,
                                                           const handshake_initiation& msg,
                                                           time_point now) {
  if (!static_static_ || opening.initiator_static != remote_static_)
    return wg_errc::bad_handshake;
  auto& s = opening.state;
  auto k = s.mix_key(static_static_->view());
  auto plain = s.decrypt_and_hash(k, msg.encrypted_timestamp);
  crypto::tai64n timestamp;
  if (!plain || !copy_exact(*plain, timestamp))
    return wg_errc::bad_handshake;
  // Paper §5.1: an initiation whose timestamp is not strictly newer than the last accepted one
  // from this peer is a replay; drop it before it costs a response.
  if (!crypto::tai64n_after(timestamp, last_timestamp_))
    return wg_errc::stale_timestamp;
  if (last_initiation_consumption_
      && now - *last_initiation_consumption_ <= handshake_initiation_rate)
    return wg_errc::handshake_flood;
  noise_ = std::move(s);
  remote_index_ = msg.sender;
  remote_ephemeral_ = msg.ephemeral;
  last_timestamp_ = timestamp;
  last_initiation_consumption_ = now;
  state_ = handshake_state::initiation_consumed;
  return std::nullopt;
}

std::optional<handshake_response> noise_handshake::create_response(crypto::random_source& rng,
                                                                   std::uint32_t sender_index) {
  if (state_ != handshake_state::initiation_consumed || !noise_)
    return std::nullopt;
  local_ephemeral_ = make_ephemeral(rng);
  handshake_response msg;
  msg.sender = sender_index;
  msg.receiver = remote_index_;
  msg.ephemeral = crypto::x25519_public(local_ephemeral_);
  auto& s = *noise_;
  s.mix_hash(msg.ephemeral);
  s.mix_key(msg.ephemeral);
  auto ee = crypto::x25519(local_ephemeral_, remote_ephemeral_);
  auto se = crypto::x25519(local_ephemeral_, remote_static_.bytes);
  if (!ee || !se) {
    clear();
    return std::nullopt;
  }
  s.mix_key(ee->view());
  s.mix_key(se->view());
  auto k = s.mix_key_and_hash(psk_.view());
  if (!copy_exact(s.encrypt_and_hash(k, {}), msg.encrypted_nothing)) {
    clear();
    return std::nullopt;
  }
  local_index_ = sender_index;
  state_ = handshake_state::response_created;
  return msg;
}

std::optional<session_keys> noise_handshake::begin_session() {
  if (!noise_
      || (state_ != handshake_state::response_consumed
          && state_ != handshake_state::response_created))
    return std::nullopt;
  // Paper §5.4.5: (T_send_i, T_recv_i) = KDF2(C, empty); the responder's are swapped.
  auto keys = noise_->split();
  session_keys out;
  out.initiator = state_ == handshake_state::response_consumed;
  if (out.initiator) {
    out.send = std::move(keys.first);
    out.receive = std::move(keys.second);
  } else {
    out.receive = std::move(keys.first);
    out.send = std::move(keys.second);
  }
  out.local_index = local_index_;
  out.remote_index = remote_index_;
  clear();
  return out;
}

void noise_handshake::clear() noexcept {
  noise_.reset();
  local_ephemeral_.clear();
  remote_ephemeral_.fill(0);
  local_index_ = 0;
  remote_index_ = 0;
  state_ = handshake_state::zeroed;
}

} // namespace tsnode::wireguard
