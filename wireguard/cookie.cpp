#include "wireguard/cookie.hpp"

#include <algorithm>

#include "crypto/aead.hpp"
#include "crypto/blake2s.hpp"
#include "crypto/ct.hpp"

namespace tsnode::wireguard {

namespace {

constexpr std::string_view label_mac1 = "mac1----";
constexpr std::string_view label_cookie = "cookie--";

bool fresh(const std::optional<time_point>& set, time_point now) noexcept {
  return set && now - *set <= cookie_refresh_time;
}

} // namespace

mac_keys mac_keys::derive(const byte_array<32>& static_public) noexcept {
  mac_keys k;
  k.mac1_key = crypto::blake2s({as_bytes(label_mac1), static_public});
  k.cookie_key = crypto::key32{crypto::blake2s({as_bytes(label_cookie), static_public})};
  return k;
}

// -- cookie_checker ----------------------------------------------------------------------------

cookie_checker::cookie_checker(const byte_array<32>& local_public) noexcept
  : keys_(mac_keys::derive(local_public)) {
  // nop
}

bool cookie_checker::check_mac1(byte_view msg) const noexcept {
  auto mac = crypto::blake2s_mac16(keys_.mac1_key, {mac1_input(msg)});
  return crypto::ct_equal(mac, msg.subspan(msg.size() - 2 * mac_size, mac_size));
}

byte_array<mac_size> cookie_checker::cookie_for(byte_view source) const noexcept {
  // Paper §5.4.7: cookie = MAC(R_m, A), where R_m is the rotating secret and A the sender's
  // IP address and port.
  return crypto::blake2s_mac16(secret_.view(), {source});
}

bool cookie_checker::check_mac2(byte_view msg, byte_view source, time_point now) const noexcept {
  if (!fresh(secret_set_, now))
    return false;
  auto cookie = cookie_for(source);
  auto mac = crypto::blake2s_mac16(cookie, {mac2_input(msg)});
  crypto::wipe(cookie.data(), cookie.size());
  return crypto::ct_equal(mac, msg.last(mac_size));
}

cookie_reply cookie_checker::make_reply(byte_view msg, byte_view source, time_point now,
                                        crypto::random_source& rng) {
  if (!fresh(secret_set_, now)) {
    // Paper §5.4.7: "R_m ... changes every two minutes". Rotating lazily on use is what
    // wireguard-go does; a secret older than that is never accepted by check_mac2 either.
    rng.fill(secret_.bytes());
    secret_set_ = now;
  }
  cookie_reply r;
  // The receiver of the reply is the sender index of the message (offset 4 in both handshake
  // messages).
  r.receiver = load_le32(msg.data() + 4);
  rng.fill(r.nonce);
  auto cookie = cookie_for(source);
  // The mac1 of the message is the associated data, binding the reply to what was sent.
  crypto::xseal(keys_.cookie_key, r.nonce, msg.subspan(msg.size() - 2 * mac_size, mac_size), cookie,
                r.encrypted_cookie);
  crypto::wipe(cookie.data(), cookie.size());
  return r;
}

// -- cookie_generator --------------------------------------------------------------------------

cookie_generator::cookie_generator(const byte_array<32>& remote_public) noexcept
  : keys_(mac_keys::derive(remote_public)) {
  // nop
}

void cookie_generator::add_macs(std::span<std::uint8_t> msg, time_point now) noexcept {
  auto mac1 = crypto::blake2s_mac16(keys_.mac1_key, {mac1_input(msg)});
  std::copy(mac1.begin(), mac1.end(), msg.end() - 2 * mac_size);
  last_mac1_ = mac1;
  auto mac2_at = msg.end() - mac_size;
  if (!fresh(cookie_set_, now)) {
    std::fill(mac2_at, msg.end(), std::uint8_t{0});
    return;
  }
  auto mac2 = crypto::blake2s_mac16(cookie_, {mac2_input(msg)});
  std::copy(mac2.begin(), mac2.end(), mac2_at);
}

bool cookie_generator::consume_reply(const cookie_reply& reply, time_point now) noexcept {
  if (!last_mac1_)
    return false;
  byte_array<mac_size> cookie;
  if (!crypto::xopen(keys_.cookie_key, reply.nonce, *last_mac1_, reply.encrypted_cookie, cookie))
    return false;
  cookie_ = cookie;
  cookie_set_ = now;
  crypto::wipe(cookie.data(), cookie.size());
  return true;
}

bool cookie_generator::has_cookie(time_point now) const noexcept {
  return fresh(cookie_set_, now);
}

} // namespace tsnode::wireguard
