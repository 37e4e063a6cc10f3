#pragma once
/// @file
/// The WireGuard endpoint: a sans-I/O façade over handshakes, sessions, timers, cookies and
/// cryptokey routing for a set of peers (style.md §5.2; tailscale-rs ts_tunnel `Endpoint`,
/// boringtun `Tunn`). Datagrams, IP packets, `now` and the wall clock go in; each call returns
/// what the caller must do next: IP packets for the local stack, datagrams for the network,
/// events. The core never reads a clock, opens a socket, logs or throws on network input, and
/// says when it next needs dispatch_events() through next_deadline().
///
/// Not thread-safe: one owner (the dataplane shell) calls it.

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/keys.hpp"
#include "crypto/random.hpp"
#include "crypto/secret.hpp"
#include "wireguard/address.hpp"
#include "wireguard/allowed_ips.hpp"
#include "wireguard/constants.hpp"
#include "wireguard/cookie.hpp"
#include "wireguard/errors.hpp"
#include "wireguard/handshake.hpp"
#include "wireguard/messages.hpp"

namespace tsnode::wireguard {

// -- result types ------------------------------------------------------------------------------

/// A vector whose clear() keeps its elements, so that the buffers inside them keep their
/// capacity and a result reused across calls stops allocating once warm.
template <class T>
class reuse_vector {
public:
  /// Appends an element and returns it; its members hold stale values the caller overwrites.
  T& push() {
    if (size_ == items_.size())
      items_.emplace_back();
    return items_[size_++];
  }
  /// Removes the last element (keeping it for reuse). @pre !empty().
  void pop_back() noexcept { --size_; }
  void clear() noexcept { size_ = 0; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  T& operator[](std::size_t i) noexcept { return items_[i]; }
  const T& operator[](std::size_t i) const noexcept { return items_[i]; }
  T& back() noexcept { return items_[size_ - 1]; }
  T* begin() noexcept { return items_.data(); }
  T* end() noexcept { return items_.data() + size_; }
  const T* begin() const noexcept { return items_.data(); }
  const T* end() const noexcept { return items_.data() + size_; }

private:
  std::vector<T> items_;
  std::size_t size_ = 0;
};

/// A decrypted IP packet for the local stack, trimmed to its IP length.
struct inbound_packet {
  peer_id peer = 0;
  byte_buffer bytes;
};

/// A datagram to send over UDP (or DERP) to `to`.
struct outbound_datagram {
  /// The peer it belongs to; 0 for a cookie reply to a sender we do not know yet.
  peer_id peer = 0;
  udp_address to;
  byte_buffer bytes;
};

/// Something the shell may want to know or log.
enum class event_kind : std::uint8_t {
  handshake_completed = 1, ///< a session with the peer is confirmed (both roles)
  handshake_failed,        ///< no handshake within REKEY_ATTEMPT_TIME: staged packets dropped
  keys_zeroed,             ///< all keys wiped after 3 x REJECT_AFTER_TIME without a session
};

/// Returns the name of `x`.
std::string_view to_string(event_kind x) noexcept;

/// An event about one peer.
struct endpoint_event {
  event_kind kind = event_kind::handshake_completed;
  peer_id peer = 0;
  friend bool operator==(const endpoint_event&, const endpoint_event&) = default;
};

/// What the caller must do after a call: deliver `to_local`, transmit `to_network`.
struct endpoint_result {
  reuse_vector<inbound_packet> to_local;
  reuse_vector<outbound_datagram> to_network;
  std::vector<endpoint_event> events;
  /// Why the input of the last call was dropped (counted in endpoint::drops() too); nullopt
  /// when it was consumed.
  std::optional<wg_errc> dropped;

  /// Empties the result, keeping every buffer's capacity.
  void clear() noexcept {
    to_local.clear();
    to_network.clear();
    events.clear();
    dropped.reset();
  }
};
using recv_result = endpoint_result;
using send_result = endpoint_result;
using event_result = endpoint_result;

// -- configuration -----------------------------------------------------------------------------

/// Endpoint-wide settings.
struct endpoint_config {
  /// The tunnel MTU: plaintext is padded to a multiple of 16 but not beyond it (paper §5.4.6).
  /// wg-quick's default is 1420; Tailscale uses 1280.
  std::size_t mtu = 1420;
};

/// One peer: its static key, an optional preshared key, where to reach it, what it may send.
struct peer_config {
  crypto::node_public public_key;
  /// All zeros: no preshared key (paper §5.2).
  crypto::key32 preshared_key;
  /// Unknown endpoints are learnt from the peer's first authenticated packet (roaming).
  std::optional<udp_address> endpoint;
  std::vector<ip_prefix> allowed_ips;
  /// Zero: off. Otherwise a keepalive is sent after this much silence in both directions.
  seconds persistent_keepalive{0};
};

/// What `status` reports about one peer.
struct peer_status {
  peer_id id = 0;
  crypto::node_public public_key;
  std::optional<udp_address> endpoint;
  std::vector<ip_prefix> allowed_ips;
  seconds persistent_keepalive{0};
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
  /// When the last handshake completed, by the wall clock passed in at that time.
  std::optional<wall_time> last_handshake;
  /// Whether a current keypair exists (it may still be expired for sending).
  bool has_session = false;
  /// Whether any keypair or handshake state is held.
  bool holds_keys = false;
  std::size_t staged_packets = 0;
  std::uint32_t handshake_attempts = 0;
};

/// Drop counters, indexed by wg_errc (index 0 unused).
using drop_counters = std::array<std::uint64_t, wg_errc_count>;

/// Hashes a node public key: its bytes are uniformly distributed already.
struct node_public_hash {
  std::size_t operator()(const crypto::node_public& k) const noexcept {
    return static_cast<std::size_t>(load_le64(k.bytes.data()));
  }
};

// -- the endpoint ------------------------------------------------------------------------------

/// A WireGuard interface without I/O: a static key, peers, and the protocol between them.
class endpoint {
public:
  /// Creates an endpoint with private key `key` drawing ephemeral keys, sender indices, cookie
  /// secrets and timer jitter from `rng`, which must outlive it.
  endpoint(crypto::node_private key, crypto::random_source& rng, endpoint_config cfg = {});
  ~endpoint();
  endpoint(const endpoint&) = delete;
  endpoint& operator=(const endpoint&) = delete;

  // -- configuration --------------------------------------------------------------------------

  /// Adds a peer. Fails with duplicate_peer, invalid_key (our own key, or X25519 with it is
  /// zero) or bad_prefix. A peer with a persistent keepalive and a known endpoint gets a
  /// keepalive (hence a handshake) at the next dispatch_events(), as wg(8) does.
  std::variant<peer_id, wg_errc> add_peer(peer_config cfg);

  /// Replaces the preshared key, allowed IPs and persistent keepalive of the peer with
  /// `cfg.public_key`, and its endpoint when `cfg.endpoint` is set. Sessions are kept.
  std::optional<wg_errc> update_peer(peer_config cfg);

  /// Removes a peer, wiping its keys and dropping its staged packets. Returns whether it existed.
  bool remove_peer(peer_id id);

  /// Returns the id of the peer with static key `key`.
  std::optional<peer_id> find_peer(const crypto::node_public& key) const;

  /// Returns the ids of all peers, ascending.
  std::vector<peer_id> peers() const;

  /// Returns the peer whose allowed IPs hold `a` (longest prefix), as send() would pick it.
  std::optional<peer_id> route(const ip_address& a) const noexcept { return routes_.lookup(a); }

  /// Sets the "under load" signal: while on, handshake messages need a valid mac2 and are
  /// otherwise answered with a cookie reply (paper §5.3). The shell decides when (e.g. a deep
  /// handshake backlog, as wireguard-go does).
  void set_under_load(bool on) noexcept { under_load_ = on; }
  bool under_load() const noexcept { return under_load_; }

  // -- data path ------------------------------------------------------------------------------

  /// Processes one datagram received from `from`; never fails toward the caller: a bad datagram
  /// is dropped silently (result.dropped, drops()).
  recv_result recv(time_point now, wall_time wall, const udp_address& from, byte_view datagram);
  /// As recv() above, appending to `out` (whose buffers are reused) instead of returning.
  void recv(time_point now, wall_time wall, const udp_address& from, byte_view datagram,
            recv_result& out);

  /// Encrypts one IP packet from the local stack for the peer whose allowed IPs contain its
  /// destination. Without a usable session the packet is staged (up to 128 per peer, oldest
  /// dropped first) and a handshake is started.
  send_result send(time_point now, wall_time wall, byte_view ip_packet);
  /// As send() above, appending to `out`.
  void send(time_point now, wall_time wall, byte_view ip_packet, send_result& out);

  /// Runs every timer due at `now`: retransmissions, keepalives, rekeys, key zeroing.
  event_result dispatch_events(time_point now, wall_time wall);
  /// As dispatch_events() above, appending to `out`.
  void dispatch_events(time_point now, wall_time wall, event_result& out);

  /// Returns when dispatch_events() must run next (it may be early: calling it before anything
  /// is due is harmless), or nullopt when no timer is pending.
  std::optional<time_point> next_deadline() const noexcept { return earliest_; }

  // -- status ---------------------------------------------------------------------------------

  /// Returns a snapshot of a peer's state, for a `status` command.
  std::optional<peer_status> status(peer_id id) const;

  /// Returns how many inputs were dropped, per reason.
  const drop_counters& drops() const noexcept { return drops_; }

  /// Returns our static public key.
  const crypto::node_public& public_key() const noexcept { return local_.public_key(); }

private:
  struct peer;

  // -- receive
  void handle(time_point now, wall_time wall, const udp_address& from, byte_view datagram,
              const handshake_initiation& msg, endpoint_result& out);
  void handle(time_point now, wall_time wall, const udp_address& from, byte_view datagram,
              const handshake_response& msg, endpoint_result& out);
  void handle(time_point now, const cookie_reply& msg, endpoint_result& out);
  void handle(time_point now, wall_time wall, const udp_address& from, byte_view datagram,
              const transport_data& msg, endpoint_result& out);
  bool handshake_allowed(time_point now, const udp_address& from, byte_view datagram,
                         endpoint_result& out);

  // -- send
  void send_handshake_initiation(peer& p, time_point now, wall_time wall, bool is_retry,
                                 endpoint_result& out);
  void send_handshake_response(peer& p, time_point now, endpoint_result& out);
  void send_keepalive(peer& p, time_point now, wall_time wall, endpoint_result& out);
  void send_staged_packets(peer& p, time_point now, wall_time wall, endpoint_result& out);
  bool encrypt_and_emit(peer& p, byte_view plaintext, endpoint_result& out);
  void after_data_sent(peer& p, time_point now, wall_time wall, bool data, endpoint_result& out);
  void keep_key_fresh_sending(peer& p, time_point now, wall_time wall, endpoint_result& out);
  void keep_key_fresh_receiving(peer& p, time_point now, wall_time wall, endpoint_result& out);
  void emit(peer& p, byte_view bytes, endpoint_result& out);
  void stage(peer& p, byte_view packet);

  // -- timers (wireguard-go expired* handlers)
  void expired_retransmit_handshake(peer& p, time_point now, wall_time wall, endpoint_result& out);
  void expired_send_keepalive(peer& p, time_point now, wall_time wall, endpoint_result& out);
  void expired_zero_key_material(peer& p, endpoint_result& out);

  // -- state
  void install_session(peer& p, session_keys keys, time_point now);
  void zero_and_flush_all(peer& p);
  std::uint32_t new_index(peer& p);
  void drop_handshake_index(peer& p);
  void retire_indices();
  void note_deadline(const peer& p) noexcept;
  void drop(wg_errc reason, endpoint_result& out) noexcept;
  peer* find(peer_id id) const noexcept;

  local_identity local_;
  crypto::random_source& rng_;
  endpoint_config cfg_;
  cookie_checker checker_;
  bool under_load_ = false;
  peer_id next_id_ = 1;
  std::unordered_map<peer_id, std::unique_ptr<peer>> peers_;
  std::unordered_map<crypto::node_public, peer_id, node_public_hash> by_key_;
  /// Receiver index to peer, for handshake and keypair indices alike (wireguard-go indextable).
  std::unordered_map<std::uint32_t, peer*> index_;
  allowed_ips routes_;
  std::optional<time_point> earliest_;
  drop_counters drops_{};
  std::vector<std::uint32_t> retired_;
};

} // namespace tsnode::wireguard
