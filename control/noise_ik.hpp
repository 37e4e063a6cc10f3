#pragma once
/// @file
/// The client side of the ts2021 control handshake: Noise_IK_25519_ChaChaPoly_BLAKE2s with the
/// prologue "Tailscale Control Protocol v<version>" (tailscale-protocol.md §2.3; Go
/// control/controlbase/handshake.go, messages.go). Pure: the ephemeral key comes from the
/// injected random_source (or is given explicitly by tests); bytes in, keys out.
///
/// Flow: start() builds the 101-byte initiation, which the shell sends base64-encoded in the
/// `X-Tailscale-Handshake` header of `POST /ts2021` (§2.2). Every byte the server writes after
/// its `101 Switching Protocols` head goes to feed() until it returns handshake_complete; the
/// bytes of that last chunk after `consumed` belong to the record stream (record.hpp).

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "control/errors.hpp"
#include "crypto/blake2s.hpp"
#include "crypto/bytes.hpp"
#include "crypto/keys.hpp"
#include "crypto/noise.hpp"
#include "crypto/random.hpp"
#include "crypto/secret.hpp"

namespace tsnode::control {

/// The Noise protocol name and the prologue prefix (§2.3 steps 1-2; trap #2).
inline constexpr std::string_view noise_protocol_name = "Noise_IK_25519_ChaChaPoly_BLAKE2s";
inline constexpr std::string_view noise_prologue_prefix = "Tailscale Control Protocol v";

/// The first byte of every ts2021 frame (§2.3 wire layouts).
enum class frame_type : std::uint8_t {
  initiation = 1,
  response = 2,
  error = 3,
  record = 4,
};

/// Frame header: type u8, big-endian u16 length of what follows.
inline constexpr std::size_t frame_header_size = 3;
/// Initiation: version u16 · header · e[32] · enc(s)[48] · tag[16].
inline constexpr std::size_t initiation_size = 101;
inline constexpr std::size_t initiation_payload_size = 96;
static_assert(2 + frame_header_size + 32 + (32 + 16) + 16 == initiation_size);
static_assert(32 + 48 + 16 == initiation_payload_size);
/// Response: header · e[32] · tag[16].
inline constexpr std::size_t response_size = 51;
inline constexpr std::size_t response_payload_size = 48;
static_assert(frame_header_size + 32 + 16 == response_size);

/// The keys a completed handshake yields (§2.3 step 7).
struct transport_keys {
  crypto::key32 send;            ///< k1: client -> server
  crypto::key32 receive;         ///< k2: server -> client
  crypto::hash32 handshake_hash; ///< the final h (exposed for completeness; unused by clients)
};

/// feed() needs more bytes.
struct handshake_pending {};

/// feed() completed the handshake.
struct handshake_complete {
  transport_keys keys;
  /// How many bytes of the last chunk the response used; the rest is record stream.
  std::size_t consumed = 0;
};

/// What one feed() call yields.
using handshake_step = std::variant<handshake_pending, handshake_complete, control_error>;

/// One client handshake with one control server.
class noise_ik_client {
public:
  /// Returns a client whose initiation() is ready to send, with a fresh ephemeral key from
  /// `rng`; `version` is the capability version (trap #2; requests.hpp capability_version).
  /// Fails with bad_server_key when X25519 with `server` is zero (a low-order key).
  static std::variant<noise_ik_client, control_error> start(const crypto::machine_private& machine,
                                                            const crypto::machine_public& server,
                                                            std::uint16_t version,
                                                            crypto::random_source& rng);

  /// As above with an explicit ephemeral private key (byte-exact tests against the vectors).
  static std::variant<noise_ik_client, control_error> start(const crypto::machine_private& machine,
                                                            const crypto::machine_public& server,
                                                            std::uint16_t version,
                                                            crypto::secret<32> ephemeral);

  /// Returns the 101-byte initiation message.
  const byte_array<initiation_size>& initiation() const noexcept { return initiation_; }

  /// Consumes server bytes until the response (51 bytes) or a type-3 error frame is complete.
  /// Returns handshake_pending while more is needed; handshake_complete once the response
  /// authenticated; a control_error (server_error with the server's text, bad_handshake_message,
  /// handshake_failed or bad_server_key) otherwise. After a result other than pending, every
  /// further call fails with `finished`.
  handshake_step feed(byte_view bytes);

private:
  noise_ik_client(crypto::symmetric_state state, crypto::secret<32> ephemeral,
                  crypto::secret<32> machine);

  handshake_step finish_response();

  crypto::symmetric_state state_;
  crypto::secret<32> ephemeral_;
  crypto::secret<32> machine_;
  byte_array<initiation_size> initiation_{};
  byte_buffer buffer_; ///< the response frame gathered so far (at most 3 + 65535 bytes)
  bool done_ = false;
};

/// Returns the prologue "Tailscale Control Protocol v<version>".
std::string noise_prologue(std::uint16_t version);

} // namespace tsnode::control
