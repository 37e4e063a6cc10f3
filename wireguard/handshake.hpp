#pragma once
/// @file
/// The Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s handshake of WireGuard (WireGuard paper §5.4.2,
/// §5.4.3, §5.4.5; wireguard-go device/noise-protocol.go; Linux drivers/net/wireguard/noise.c),
/// one noise_handshake per peer, for both roles. Pure: the ephemeral key comes from the injected
/// random_source and the TAI64N timestamp from the caller. Macs are not handled here (cookie.hpp).

#include <cstdint>
#include <optional>

#include "crypto/keys.hpp"
#include "crypto/noise.hpp"
#include "crypto/random.hpp"
#include "crypto/secret.hpp"
#include "crypto/tai64n.hpp"
#include "wireguard/constants.hpp"
#include "wireguard/errors.hpp"
#include "wireguard/messages.hpp"

namespace tsnode::wireguard {

/// The Noise protocol name, the prologue and the mac labels (paper §5.4).
inline constexpr std::string_view noise_construction = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
inline constexpr std::string_view wg_identifier = "WireGuard v1 zx2c4 Jason@zx2c4.com";

/// Where a noise_handshake is (wireguard-go handshakeState).
enum class handshake_state : std::uint8_t {
  zeroed,
  initiation_created,
  initiation_consumed,
  response_created,
  response_consumed,
};

/// Our static identity: the node private key and its public half.
class local_identity {
public:
  explicit local_identity(crypto::node_private key);
  const crypto::node_private& private_key() const noexcept { return private_; }
  const crypto::node_public& public_key() const noexcept { return public_; }

private:
  crypto::node_private private_;
  crypto::node_public public_;
};

/// The transport keys a completed handshake yields.
struct session_keys {
  crypto::key32 send;
  crypto::key32 receive;
  bool initiator = false;
  std::uint32_t local_index = 0;
  std::uint32_t remote_index = 0;
};

/// What the responder learns from an initiation before it knows which peer sent it: the
/// initiator's static key and the Noise state so far (paper §5.4.2, up to "msg.static").
struct initiation_opening {
  crypto::node_public initiator_static;
  crypto::symmetric_state state{noise_construction};
};

/// Per-peer handshake state and the replay/flood memory of initiations from that peer.
class noise_handshake {
public:
  /// Prepares a handshake with `remote`; `psk` is all zeros when no preshared key is set
  /// (paper §5.2: "Q ... zero if not in use"). Returns an object whose valid() is false when
  /// X25519(local, remote) is zero (a low-order remote key): such a peer cannot handshake.
  noise_handshake(const local_identity& local, const crypto::node_public& remote,
                  crypto::key32 psk);

  /// Returns whether the static-static DH with the remote key is usable.
  bool valid() const noexcept { return static_static_.has_value(); }
  handshake_state state() const noexcept { return state_; }
  const crypto::node_public& remote_static() const noexcept { return remote_static_; }
  std::uint32_t local_index() const noexcept { return local_index_; }
  void set_preshared_key(crypto::key32 psk) noexcept { psk_ = std::move(psk); }

  // -- initiator -----------------------------------------------------------------------------

  /// Returns a new initiation (macs zero) with a fresh ephemeral key from `rng`, sender index
  /// `sender_index` and timestamp `now_tai64n`; state becomes initiation_created. Returns
  /// nullopt when valid() is false or a DH result is zero.
  std::optional<handshake_initiation> create_initiation(const local_identity& local,
                                                        crypto::random_source& rng,
                                                        std::uint32_t sender_index,
                                                        const crypto::tai64n& now_tai64n);

  /// Consumes a response to our initiation; state becomes response_consumed. Returns
  /// unknown_index when no initiation of ours is outstanding or the receiver index differs,
  /// bad_handshake when it does not authenticate (the state is then unchanged).
  std::optional<wg_errc> consume_response(const local_identity& local,
                                          const handshake_response& msg);

  // -- responder -----------------------------------------------------------------------------

  /// Decrypts the initiator's static key: the first responder step, done before the peer is
  /// known. Returns nullopt when the message does not authenticate.
  static std::optional<initiation_opening> open_initiation(const local_identity& local,
                                                           const handshake_initiation& msg);

  /// Finishes consuming an initiation from this peer: decrypts the timestamp, rejects one not
  /// strictly newer than the last accepted (stale_timestamp, paper §5.1) or one within
  /// handshake_initiation_rate of the last accepted (handshake_flood); state becomes
  /// initiation_consumed. @pre opening.initiator_static == remote_static().
  std::optional<wg_errc> consume_initiation(initiation_opening opening,
                                            const handshake_initiation& msg, time_point now);

  /// Returns a response to the consumed initiation with a fresh ephemeral key and sender index
  /// `sender_index`; state becomes response_created. Returns nullopt in any other state or when
  /// a DH result is zero.
  std::optional<handshake_response> create_response(crypto::random_source& rng,
                                                    std::uint32_t sender_index);

  // -- both ----------------------------------------------------------------------------------

  /// Derives the transport keys (paper §5.4.5) in state response_consumed (initiator) or
  /// response_created (responder), then wipes the handshake and returns to zeroed.
  std::optional<session_keys> begin_session();

  /// Wipes the ephemeral keys and Noise state and returns to zeroed (keeps the replay memory).
  void clear() noexcept;

  /// The last time an initiation or a response was sent (wireguard-go lastSentHandshake).
  std::optional<time_point> last_sent_handshake;

private:
  const crypto::node_public remote_static_;
  crypto::key32 psk_;
  std::optional<crypto::key32> static_static_;
  handshake_state state_ = handshake_state::zeroed;
  std::optional<crypto::symmetric_state> noise_;
  crypto::secret<32> local_ephemeral_;
  byte_array<32> remote_ephemeral_{};
  std::uint32_t local_index_ = 0;
  std::uint32_t remote_index_ = 0;
  crypto::tai64n last_timestamp_{};
  std::optional<time_point> last_initiation_consumption_;
};

} // namespace tsnode::wireguard
