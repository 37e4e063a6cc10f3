#pragma once
/// @file
/// Transport sessions (WireGuard paper §5.4.6, §6): a keypair derived by a handshake, the three
/// keypair slots of a peer (previous / current / next, as Linux noise_keypairs and wireguard-go
/// Keypairs), and sealing/opening transport messages in caller-owned buffers.

#include <cstdint>
#include <memory>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"
#include "wireguard/constants.hpp"
#include "wireguard/handshake.hpp"
#include "wireguard/messages.hpp"
#include "wireguard/replay_window.hpp"

namespace tsnode::wireguard {

/// Transport keys, counters and replay window of one session. Keys wipe themselves.
struct keypair {
  crypto::key32 send_key;
  crypto::key32 receive_key;
  /// The counter of the next message sent (the nonce, paper §5.4.6).
  std::uint64_t send_counter = 0;
  replay_window replay;
  time_point created;
  bool initiator = false;
  std::uint32_t local_index = 0;
  std::uint32_t remote_index = 0;

  /// Returns a keypair holding `keys`, created at `now`.
  static std::unique_ptr<keypair> make(session_keys keys, time_point now);

  /// Returns whether the keypair is at least REJECT_AFTER_TIME old (paper §6.1: no longer used
  /// for sending or receiving).
  bool expired(time_point now) const noexcept { return now - created >= reject_after_time; }

  /// Returns whether the keypair may still send at `now`.
  bool can_send(time_point now) const noexcept {
    return send_counter < reject_after_messages && !expired(now);
  }
};

/// A peer's keypairs. The responder's new keypair waits in `next` until the initiator proves it
/// has it by sending with it (paper §5.4.5: key confirmation), then becomes current.
class keypair_slots {
public:
  keypair* previous() const noexcept { return previous_.get(); }
  keypair* current() const noexcept { return current_.get(); }
  keypair* next() const noexcept { return next_.get(); }

  /// Returns the keypair with this local index, if the peer holds one.
  keypair* find(std::uint32_t local_index) const noexcept {
    for (auto* kp : {current_.get(), next_.get(), previous_.get()})
      if (kp != nullptr && kp->local_index == local_index)
        return kp;
    return nullptr;
  }

  /// Installs a freshly derived keypair (wireguard-go BeginSymmetricSession): as initiator it
  /// becomes current (the old current, or an unconfirmed next, becomes previous); as responder it
  /// waits in next and previous is dropped. Appends the local index of every dropped keypair to
  /// `retired`, so the caller can free it.
  void install(std::unique_ptr<keypair> kp, std::vector<std::uint32_t>& retired);

  /// Promotes `kp` if it is the next keypair (wireguard-go ReceivedWithKeypair). Returns whether
  /// it did; appends a dropped index to `retired`.
  bool confirm(const keypair* kp, std::vector<std::uint32_t>& retired) {
    if (kp == nullptr || kp != next_.get())
      return false;
    promote_next(retired);
    return true;
  }

  /// Drops every keypair (wiping its keys) and appends their indices to `retired`.
  void clear(std::vector<std::uint32_t>& retired);

  /// Returns whether the peer holds any keypair.
  bool empty() const noexcept { return !previous_ && !current_ && !next_; }

private:
  void promote_next(std::vector<std::uint32_t>& retired);
  static void drop(std::unique_ptr<keypair>& slot, std::vector<std::uint32_t>& retired);

  std::unique_ptr<keypair> previous_;
  std::unique_ptr<keypair> current_;
  std::unique_ptr<keypair> next_;
};

/// Returns the plaintext size after padding (paper §5.4.6): `size` rounded up to a multiple of
/// 16, but never beyond `mtu` when `size` fits in it (wireguard-go calculatePaddingSize); no cap
/// when `mtu` is 0.
std::size_t padded_size(std::size_t size, std::size_t mtu) noexcept;

/// Writes a complete transport message for `plaintext` under `kp` into `out` (resized; its
/// capacity is reused): header, zero-padded ciphertext, tag. Uses and advances the send counter.
/// Returns false and leaves `out` empty when the counter reached REJECT_AFTER_MESSAGES.
bool seal_transport(keypair& kp, byte_view plaintext, std::size_t mtu, byte_buffer& out);

/// Decrypts the payload of `msg` under `kp` into `out` (resized to the padded plaintext size).
/// Returns false on a bad tag. The replay window is not touched: the caller validates the
/// counter after this succeeds.
bool open_transport(const keypair& kp, const transport_data& msg, byte_buffer& out);

} // namespace tsnode::wireguard
