#include "wireguard/timers.hpp"

namespace tsnode::wireguard {

namespace {

void take_min(std::optional<time_point>& acc, const std::optional<time_point>& x) noexcept {
  if (x && (!acc || *x < *acc))
    acc = x;
}

} // namespace

duration rekey_timeout_with_jitter(crypto::random_source& rng) {
  return rekey_timeout + milliseconds{rng.uniform(rekey_timeout_jitter_max_ms)};
}

void peer_timers::on_data_sent(time_point now, crypto::random_source& rng) {
  // Paper §6.2: if no authenticated packet comes back within KEEPALIVE_TIMEOUT + REKEY_TIMEOUT
  // of sending data, the session may be broken: start a new handshake then.
  if (!new_handshake)
    new_handshake = now + keepalive_timeout + rekey_timeout_with_jitter(rng);
}

void peer_timers::on_data_received(time_point now) {
  // Paper §6.5: answer data with a keepalive if we have nothing to send for KEEPALIVE_TIMEOUT.
  if (!send_keepalive)
    send_keepalive = now + keepalive_timeout;
  else
    need_another_keepalive = true;
}

void peer_timers::on_handshake_initiated(time_point now, crypto::random_source& rng) {
  retransmit_handshake = now + rekey_timeout_with_jitter(rng);
}

void peer_timers::on_handshake_complete() noexcept {
  retransmit_handshake.reset();
  handshake_attempts = 0;
  sent_last_minute_handshake = false;
}

void peer_timers::on_session_derived(time_point now) noexcept {
  // Paper §6.3: with no new session for 3 x REJECT_AFTER_TIME, all keys are wiped.
  zero_key_material = now + 3 * reject_after_time;
}

void peer_timers::on_any_authenticated_packet_traversal(time_point now,
                                                        seconds keepalive_interval) noexcept {
  if (keepalive_interval > seconds{0})
    persistent_keepalive = now + keepalive_interval;
}

void peer_timers::stop() noexcept {
  *this = peer_timers{};
}

std::optional<time_point> peer_timers::earliest() const noexcept {
  std::optional<time_point> out;
  take_min(out, retransmit_handshake);
  take_min(out, send_keepalive);
  take_min(out, new_handshake);
  take_min(out, zero_key_material);
  take_min(out, persistent_keepalive);
  return out;
}

} // namespace tsnode::wireguard
