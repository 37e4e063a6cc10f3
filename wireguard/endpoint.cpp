#include "wireguard/endpoint.hpp"

#include <algorithm>

#include "wireguard/ip_packet.hpp"
#include "wireguard/session.hpp"
#include "wireguard/timers.hpp"

namespace tsnode::wireguard {

// -- peer state --------------------------------------------------------------------------------

/// Everything the endpoint keeps per peer (wireguard-go Peer, Linux wg_peer).
struct endpoint::peer {
  peer(peer_id pid, const local_identity& local, const crypto::node_public& key, crypto::key32 psk)
    : id(pid)
    , public_key(key)
    , handshake(local, key, std::move(psk))
    , cookies(key.bytes) {
    // nop
  }

  peer_id id;
  crypto::node_public public_key;
  noise_handshake handshake;
  cookie_generator cookies;
  keypair_slots keypairs;
  peer_timers timers;
  std::optional<udp_address> address;
  seconds persistent_keepalive{0};
  /// Packets waiting for a session (wireguard-go queue.staged).
  std::deque<byte_buffer> staged;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
  std::optional<wall_time> last_handshake;
};

namespace {

crypto::tai64n tai64n_of(wall_time wall) noexcept {
  using namespace std::chrono;
  const auto since = wall.time_since_epoch();
  const auto secs = floor<seconds>(since);
  const auto ns = duration_cast<nanoseconds>(since - secs).count();
  return crypto::make_tai64n(secs.count(), static_cast<std::uint32_t>(ns));
}

} // namespace

std::string_view to_string(event_kind x) noexcept {
  switch (x) {
    case event_kind::handshake_completed:
      return "handshake completed";
    case event_kind::handshake_failed:
      return "handshake failed";
    case event_kind::keys_zeroed:
      return "keys zeroed";
  }
  return "unknown event";
}

// -- construction and configuration ------------------------------------------------------------

endpoint::endpoint(crypto::node_private key, crypto::random_source& rng, endpoint_config cfg)
  : local_(std::move(key))
  , rng_(rng)
  , cfg_(cfg)
  , checker_(local_.public_key().bytes) {
  // nop
}

endpoint::~endpoint() {
  for (auto& [id, p] : peers_)
    zero_and_flush_all(*p);
}

std::variant<peer_id, wg_errc> endpoint::add_peer(peer_config cfg) {
  if (cfg.public_key == local_.public_key())
    return wg_errc::invalid_key;
  if (by_key_.contains(cfg.public_key))
    return wg_errc::duplicate_peer;
  for (const auto& prefix : cfg.allowed_ips)
    if (prefix.bits > prefix.address.bit_width())
      return wg_errc::bad_prefix;
  auto p = std::make_unique<peer>(next_id_, local_, cfg.public_key, std::move(cfg.preshared_key));
  if (!p->handshake.valid())
    return wg_errc::invalid_key;
  const peer_id id = next_id_++;
  p->address = cfg.endpoint;
  p->persistent_keepalive = cfg.persistent_keepalive;
  for (const auto& prefix : cfg.allowed_ips)
    routes_.insert(prefix, id);
  if (p->persistent_keepalive > seconds{0} && p->address) {
    // wg(8): configuring a persistent keepalive sends one right away, which starts a handshake.
    p->timers.persistent_keepalive = time_point{};
    note_deadline(*p);
  }
  by_key_.emplace(cfg.public_key, id);
  peers_.emplace(id, std::move(p));
  return id;
}

std::optional<wg_errc> endpoint::update_peer(peer_config cfg) {
  auto it = by_key_.find(cfg.public_key);
  if (it == by_key_.end())
    return wg_errc::no_such_peer;
  for (const auto& prefix : cfg.allowed_ips)
    if (prefix.bits > prefix.address.bit_width())
      return wg_errc::bad_prefix;
  auto& p = *peers_.at(it->second);
  p.handshake.set_preshared_key(std::move(cfg.preshared_key));
  if (cfg.endpoint)
    p.address = cfg.endpoint;
  routes_.remove_peer(p.id);
  for (const auto& prefix : cfg.allowed_ips)
    routes_.insert(prefix, p.id);
  const bool turned_on
    = p.persistent_keepalive == seconds{0} && cfg.persistent_keepalive > seconds{0};
  p.persistent_keepalive = cfg.persistent_keepalive;
  if (p.persistent_keepalive == seconds{0})
    p.timers.persistent_keepalive.reset();
  else if (turned_on && p.address)
    p.timers.persistent_keepalive = time_point{};
  note_deadline(p);
  return std::nullopt;
}

bool endpoint::remove_peer(peer_id id) {
  auto it = peers_.find(id);
  if (it == peers_.end())
    return false;
  zero_and_flush_all(*it->second);
  routes_.remove_peer(id);
  by_key_.erase(it->second->public_key);
  peers_.erase(it);
  return true;
}

std::optional<peer_id> endpoint::find_peer(const crypto::node_public& key) const {
  auto it = by_key_.find(key);
  if (it == by_key_.end())
    return std::nullopt;
  return it->second;
}

std::vector<peer_id> endpoint::peers() const {
  std::vector<peer_id> out;
  out.reserve(peers_.size());
  for (const auto& [id, p] : peers_)
    out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<peer_status> endpoint::status(peer_id id) const {
  auto* p = find(id);
  if (p == nullptr)
    return std::nullopt;
  peer_status s;
  s.id = id;
  s.public_key = p->public_key;
  s.endpoint = p->address;
  s.allowed_ips = routes_.prefixes_of(id);
  std::sort(s.allowed_ips.begin(), s.allowed_ips.end());
  s.persistent_keepalive = p->persistent_keepalive;
  s.rx_bytes = p->rx_bytes;
  s.tx_bytes = p->tx_bytes;
  s.last_handshake = p->last_handshake;
  s.has_session = p->keypairs.current() != nullptr;
  s.holds_keys = !p->keypairs.empty() || p->handshake.state() != handshake_state::zeroed;
  s.staged_packets = p->staged.size();
  s.handshake_attempts = p->timers.handshake_attempts;
  return s;
}

// -- receive -----------------------------------------------------------------------------------

recv_result endpoint::recv(time_point now, wall_time wall, const udp_address& from,
                           byte_view datagram) {
  recv_result out;
  recv(now, wall, from, datagram, out);
  return out;
}

void endpoint::recv(time_point now, wall_time wall, const udp_address& from, byte_view datagram,
                    recv_result& out) {
  out.dropped.reset();
  auto parsed = parse_message(datagram);
  if (auto* e = std::get_if<wg_errc>(&parsed)) {
    drop(*e, out);
    return;
  }
  auto& msg = std::get<message>(parsed);
  if (auto* t = std::get_if<transport_data>(&msg))
    handle(now, wall, from, datagram, *t, out);
  else if (auto* i = std::get_if<handshake_initiation>(&msg))
    handle(now, wall, from, datagram, *i, out);
  else if (auto* r = std::get_if<handshake_response>(&msg))
    handle(now, wall, from, datagram, *r, out);
  else
    handle(now, std::get<cookie_reply>(msg), out);
}

bool endpoint::handshake_allowed(time_point now, const udp_address& from, byte_view datagram,
                                 endpoint_result& out) {
  // Paper §5.3: mac1 proves the sender knows our public key; it is checked before any DH.
  if (!checker_.check_mac1(datagram)) {
    drop(wg_errc::bad_mac1, out);
    return false;
  }
  if (!under_load_)
    return true;
  // Under load, mac2 must prove that the sender can receive at its source address; if it
  // cannot yet, it gets a cookie to prove it with next time (paper §5.4.7).
  const auto source = from.cookie_source();
  if (checker_.check_mac2(datagram, source.view(), now))
    return true;
  auto reply = checker_.make_reply(datagram, source.view(), now, rng_);
  auto wire = encode(reply);
  auto& d = out.to_network.push();
  d.peer = 0;
  d.to = from;
  d.bytes.assign(wire.begin(), wire.end());
  drop(wg_errc::cookie_sent, out);
  return false;
}

void endpoint::handle(time_point now, wall_time, const udp_address& from, byte_view datagram,
                      const handshake_initiation& msg, endpoint_result& out) {
  if (!handshake_allowed(now, from, datagram, out))
    return;
  auto opening = noise_handshake::open_initiation(local_, msg);
  if (!opening) {
    drop(wg_errc::bad_handshake, out);
    return;
  }
  auto it = by_key_.find(opening->initiator_static);
  if (it == by_key_.end()) {
    drop(wg_errc::unknown_peer, out);
    return;
  }
  auto& p = *peers_.at(it->second);
  if (auto err = p.handshake.consume_initiation(std::move(*opening), msg, now)) {
    drop(*err, out);
    return;
  }
  p.timers.on_any_authenticated_packet_traversal(now, p.persistent_keepalive);
  p.timers.on_any_authenticated_packet_received();
  p.address = from; // roaming: reply where the initiation came from
  p.rx_bytes += datagram.size();
  send_handshake_response(p, now, out);
  note_deadline(p);
}

void endpoint::handle(time_point now, wall_time wall, const udp_address& from, byte_view datagram,
                      const handshake_response& msg, endpoint_result& out) {
  if (!handshake_allowed(now, from, datagram, out))
    return;
  auto it = index_.find(msg.receiver);
  if (it == index_.end()) {
    drop(wg_errc::unknown_index, out);
    return;
  }
  auto& p = *it->second;
  if (auto err = p.handshake.consume_response(local_, msg)) {
    drop(*err, out);
    return;
  }
  p.address = from;
  p.rx_bytes += datagram.size();
  p.timers.on_any_authenticated_packet_traversal(now, p.persistent_keepalive);
  p.timers.on_any_authenticated_packet_received();
  auto keys = p.handshake.begin_session();
  if (!keys) {
    drop(wg_errc::bad_handshake, out);
    return;
  }
  install_session(p, std::move(*keys), now);
  p.timers.on_session_derived(now);
  p.timers.on_handshake_complete();
  p.last_handshake = wall;
  out.events.push_back({event_kind::handshake_completed, p.id});
  // Paper §5.4.5 / §6.5: the initiator confirms the session to the responder at once, with
  // staged data or else a keepalive.
  send_keepalive(p, now, wall, out);
  note_deadline(p);
}

void endpoint::handle(time_point now, const cookie_reply& msg, endpoint_result& out) {
  auto it = index_.find(msg.receiver);
  if (it == index_.end()) {
    drop(wg_errc::unknown_index, out);
    return;
  }
  // The cookie is used for mac2 of our next handshake message; the retransmit timer sends it
  // (paper §5.4.7: no immediate retry, which would make us an amplifier).
  if (!it->second->cookies.consume_reply(msg, now))
    drop(wg_errc::bad_cookie_reply, out);
}

void endpoint::handle(time_point now, wall_time wall, const udp_address& from, byte_view datagram,
                      const transport_data& msg, endpoint_result& out) {
  auto it = index_.find(msg.receiver);
  if (it == index_.end()) {
    drop(wg_errc::unknown_index, out);
    return;
  }
  auto& p = *it->second;
  keypair* kp = p.keypairs.find(msg.receiver);
  if (kp == nullptr) {
    drop(wg_errc::unknown_index, out); // the index of a handshake, not of a session
    return;
  }
  if (kp->expired(now)) {
    drop(wg_errc::expired_keypair, out);
    return;
  }
  // Decrypt straight into the buffer handed to the local stack.
  auto& pkt = out.to_local.push();
  if (!open_transport(*kp, msg, pkt.bytes)) {
    out.to_local.pop_back();
    drop(wg_errc::bad_tag, out);
    return;
  }
  // Only an authenticated counter may move the window (paper §5.4.6).
  if (!kp->replay.validate(msg.counter)) {
    out.to_local.pop_back();
    drop(wg_errc::replayed, out);
    return;
  }
  // From here on the datagram is authentic: timers and roaming follow, whatever the payload.
  const bool data = !pkt.bytes.empty();
  if (!data) {
    out.to_local.pop_back(); // a keepalive (paper §6.5): nothing to deliver
  } else if (auto hdr = parse_ip_header(pkt.bytes); !hdr) {
    out.to_local.pop_back();
    drop(wg_errc::bad_inner_packet, out);
  } else if (routes_.lookup(hdr->source) != p.id) {
    // Cryptokey routing (paper §2): the inner source must be one of the sender's allowed IPs.
    out.to_local.pop_back();
    drop(wg_errc::disallowed_source, out);
  } else {
    pkt.peer = p.id;
    pkt.bytes.resize(hdr->length); // drop the padding
  }
  p.rx_bytes += datagram.size();
  p.address = from;
  if (p.keypairs.confirm(kp, retired_)) {
    // The responder's first packet under its new keypair: the session is confirmed.
    retire_indices();
    p.timers.on_handshake_complete();
    p.last_handshake = wall;
    out.events.push_back({event_kind::handshake_completed, p.id});
    send_staged_packets(p, now, wall, out);
  }
  keep_key_fresh_receiving(p, now, wall, out);
  p.timers.on_any_authenticated_packet_traversal(now, p.persistent_keepalive);
  p.timers.on_any_authenticated_packet_received();
  if (data)
    p.timers.on_data_received(now);
  note_deadline(p);
}

// -- send --------------------------------------------------------------------------------------

send_result endpoint::send(time_point now, wall_time wall, byte_view ip_packet) {
  send_result out;
  send(now, wall, ip_packet, out);
  return out;
}

void endpoint::send(time_point now, wall_time wall, byte_view ip_packet, send_result& out) {
  out.dropped.reset();
  if (ip_packet.size() > max_inner_packet_size) {
    drop(wg_errc::packet_too_large, out);
    return;
  }
  auto hdr = parse_ip_header(ip_packet);
  if (!hdr) {
    drop(wg_errc::bad_ip_packet, out);
    return;
  }
  auto id = routes_.lookup(hdr->destination);
  peer* p = id ? find(*id) : nullptr;
  if (p == nullptr) {
    drop(wg_errc::no_route, out);
    return;
  }
  const auto packet = ip_packet.first(hdr->length);
  // Fast path: a usable session and nothing queued ahead of this packet.
  if (auto* kp = p->keypairs.current(); p->staged.empty() && kp && kp->can_send(now)) {
    if (encrypt_and_emit(*p, packet, out)) {
      after_data_sent(*p, now, wall, true, out);
      note_deadline(*p);
      return;
    }
  }
  stage(*p, packet);
  send_staged_packets(*p, now, wall, out);
  note_deadline(*p);
}

void endpoint::stage(peer& p, byte_view packet) {
  if (p.staged.size() >= max_staged_packets) {
    // wireguard-go StagePackets: the oldest packet makes room.
    p.staged.pop_front();
    ++drops_[static_cast<std::size_t>(wg_errc::staged_overflow)];
  }
  p.staged.emplace_back(packet.begin(), packet.end());
}

void endpoint::send_staged_packets(peer& p, time_point now, wall_time wall, endpoint_result& out) {
  if (p.staged.empty())
    return;
  keypair* kp = p.keypairs.current();
  if (kp == nullptr || !kp->can_send(now)) {
    send_handshake_initiation(p, now, wall, false, out);
    return;
  }
  bool sent = false;
  bool data = false;
  while (!p.staged.empty()) {
    if (!encrypt_and_emit(p, p.staged.front(), out))
      break;
    sent = true;
    data = data || !p.staged.front().empty();
    p.staged.pop_front();
  }
  if (sent)
    after_data_sent(p, now, wall, data, out);
  else
    keep_key_fresh_sending(p, now, wall, out);
}

bool endpoint::encrypt_and_emit(peer& p, byte_view plaintext, endpoint_result& out) {
  keypair* kp = p.keypairs.current();
  if (kp == nullptr)
    return false;
  if (!p.address) {
    drop(wg_errc::no_endpoint, out);
    return false;
  }
  auto& d = out.to_network.push();
  if (!seal_transport(*kp, plaintext, cfg_.mtu, d.bytes)) {
    out.to_network.pop_back();
    drop(wg_errc::counter_exhausted, out);
    return false;
  }
  d.peer = p.id;
  d.to = *p.address;
  p.tx_bytes += d.bytes.size();
  return true;
}

void endpoint::after_data_sent(peer& p, time_point now, wall_time wall, bool data,
                               endpoint_result& out) {
  p.timers.on_any_authenticated_packet_traversal(now, p.persistent_keepalive);
  p.timers.on_any_authenticated_packet_sent();
  if (data)
    p.timers.on_data_sent(now, rng_);
  keep_key_fresh_sending(p, now, wall, out);
}

void endpoint::keep_key_fresh_sending(peer& p, time_point now, wall_time wall,
                                      endpoint_result& out) {
  // Paper §6.2: the initiator of the current session rekeys after REKEY_AFTER_TIME; either
  // side after REKEY_AFTER_MESSAGES.
  const keypair* kp = p.keypairs.current();
  if (kp == nullptr)
    return;
  if (kp->send_counter > rekey_after_messages
      || (kp->initiator && now - kp->created > rekey_after_time))
    send_handshake_initiation(p, now, wall, false, out);
}

void endpoint::keep_key_fresh_receiving(peer& p, time_point now, wall_time wall,
                                        endpoint_result& out) {
  // Paper §6.2: if the initiator is only receiving, it still rekeys once when the session is
  // REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT old, so that it never expires
  // underneath a one-way flow.
  if (p.timers.sent_last_minute_handshake)
    return;
  const keypair* kp = p.keypairs.current();
  if (kp != nullptr && kp->initiator
      && now - kp->created > reject_after_time - keepalive_timeout - rekey_timeout) {
    p.timers.sent_last_minute_handshake = true;
    send_handshake_initiation(p, now, wall, false, out);
  }
}

void endpoint::send_keepalive(peer& p, time_point now, wall_time wall, endpoint_result& out) {
  // wireguard-go SendKeepalive: an empty packet is staged only when nothing else is, since any
  // staged packet carries the same proof of life.
  if (p.staged.empty())
    p.staged.emplace_back();
  send_staged_packets(p, now, wall, out);
}

void endpoint::send_handshake_initiation(peer& p, time_point now, wall_time wall, bool is_retry,
                                         endpoint_result& out) {
  if (!is_retry)
    p.timers.handshake_attempts = 0;
  // Paper §6.1: at most one initiation per REKEY_TIMEOUT.
  if (p.handshake.last_sent_handshake && now - *p.handshake.last_sent_handshake < rekey_timeout)
    return;
  if (!p.address) {
    drop(wg_errc::no_endpoint, out); // the peer has to reach us first
    return;
  }
  p.handshake.last_sent_handshake = now;
  drop_handshake_index(p);
  const auto index = new_index(p);
  auto msg = p.handshake.create_initiation(local_, rng_, index, tai64n_of(wall));
  if (!msg) {
    index_.erase(index);
    return;
  }
  auto wire = encode(*msg);
  p.cookies.add_macs(wire, now);
  p.timers.on_any_authenticated_packet_traversal(now, p.persistent_keepalive);
  p.timers.on_any_authenticated_packet_sent();
  emit(p, wire, out);
  p.timers.on_handshake_initiated(now, rng_);
}

void endpoint::send_handshake_response(peer& p, time_point now, endpoint_result& out) {
  p.handshake.last_sent_handshake = now;
  drop_handshake_index(p);
  const auto index = new_index(p);
  auto msg = p.handshake.create_response(rng_, index);
  if (!msg) {
    index_.erase(index);
    drop(wg_errc::bad_handshake, out);
    return;
  }
  auto wire = encode(*msg);
  p.cookies.add_macs(wire, now);
  auto keys = p.handshake.begin_session();
  if (!keys) {
    index_.erase(index);
    drop(wg_errc::bad_handshake, out);
    return;
  }
  install_session(p, std::move(*keys), now);
  p.timers.on_session_derived(now);
  p.timers.on_any_authenticated_packet_traversal(now, p.persistent_keepalive);
  p.timers.on_any_authenticated_packet_sent();
  emit(p, wire, out);
}

void endpoint::emit(peer& p, byte_view bytes, endpoint_result& out) {
  auto& d = out.to_network.push();
  d.peer = p.id;
  d.to = *p.address;
  d.bytes.assign(bytes.begin(), bytes.end());
  p.tx_bytes += bytes.size();
}

// -- timers ------------------------------------------------------------------------------------

event_result endpoint::dispatch_events(time_point now, wall_time wall) {
  event_result out;
  dispatch_events(now, wall, out);
  return out;
}

void endpoint::dispatch_events(time_point now, wall_time wall, event_result& out) {
  out.dropped.reset();
  if (!earliest_ || now < *earliest_)
    return;
  auto due = [now](std::optional<time_point>& t) {
    if (!t || *t > now)
      return false;
    t.reset();
    return true;
  };
  earliest_.reset();
  for (auto& [id, pp] : peers_) {
    auto& p = *pp;
    auto& t = p.timers;
    if (due(t.retransmit_handshake))
      expired_retransmit_handshake(p, now, wall, out);
    if (due(t.send_keepalive))
      expired_send_keepalive(p, now, wall, out);
    if (due(t.new_handshake)) {
      // Paper §6.2: data went out but nothing came back; the session may be dead.
      send_handshake_initiation(p, now, wall, false, out);
    }
    if (due(t.zero_key_material))
      expired_zero_key_material(p, out);
    if (due(t.persistent_keepalive) && p.persistent_keepalive > seconds{0})
      send_keepalive(p, now, wall, out);
    note_deadline(p);
  }
}

void endpoint::expired_retransmit_handshake(peer& p, time_point now, wall_time wall,
                                            endpoint_result& out) {
  if (p.timers.handshake_attempts > max_timer_handshakes) {
    // Paper §6.4: give up after REKEY_ATTEMPT_TIME; drop what waited for the session and wipe
    // the partial handshake later, like any other key material.
    p.timers.send_keepalive.reset();
    p.staged.clear();
    if (!p.timers.zero_key_material)
      p.timers.zero_key_material = now + 3 * reject_after_time;
    ++drops_[static_cast<std::size_t>(wg_errc::gave_up)];
    out.events.push_back({event_kind::handshake_failed, p.id});
    return;
  }
  ++p.timers.handshake_attempts;
  send_handshake_initiation(p, now, wall, true, out);
}

void endpoint::expired_send_keepalive(peer& p, time_point now, wall_time wall,
                                      endpoint_result& out) {
  send_keepalive(p, now, wall, out);
  if (p.timers.need_another_keepalive) {
    p.timers.need_another_keepalive = false;
    p.timers.send_keepalive = now + keepalive_timeout;
  }
}

void endpoint::expired_zero_key_material(peer& p, endpoint_result& out) {
  zero_and_flush_all(p);
  out.events.push_back({event_kind::keys_zeroed, p.id});
}

// -- state -------------------------------------------------------------------------------------

void endpoint::install_session(peer& p, session_keys keys, time_point now) {
  // The handshake's index now names the keypair (wireguard-go SwapIndexForKeypair): the index
  // table entry stays as it is.
  p.keypairs.install(keypair::make(std::move(keys), now), retired_);
  retire_indices();
}

void endpoint::zero_and_flush_all(peer& p) {
  p.keypairs.clear(retired_);
  retire_indices();
  drop_handshake_index(p);
  p.handshake.clear();
  p.staged.clear();
}

std::uint32_t endpoint::new_index(peer& p) {
  // Random indices (paper §5.4.2: "a randomly generated 32-bit integer") so that they reveal
  // nothing; 0 is kept free to mean "none". A collision is rare (a few indices per peer in 2^32);
  // after a few, probe linearly so that even a degenerate random source cannot stall us.
  std::uint8_t b[4];
  rng_.fill(b);
  std::uint32_t index = load_le32(b);
  for (int attempt = 0;; ++attempt) {
    if (index != 0 && index_.emplace(index, &p).second)
      return index;
    if (attempt < 8) {
      rng_.fill(b);
      index = load_le32(b);
    } else {
      ++index;
    }
  }
}

void endpoint::drop_handshake_index(peer& p) {
  const auto index = p.handshake.local_index();
  if (index == 0)
    return;
  // The handshake's index may already name a keypair (after begin_session it is 0, but be
  // careful): only erase an index that no keypair of this peer uses.
  if (p.keypairs.find(index) == nullptr)
    index_.erase(index);
}

void endpoint::retire_indices() {
  for (auto index : retired_)
    index_.erase(index);
  retired_.clear();
}

void endpoint::note_deadline(const peer& p) noexcept {
  auto t = p.timers.earliest();
  if (t && (!earliest_ || *t < *earliest_))
    earliest_ = t;
}

void endpoint::drop(wg_errc reason, endpoint_result& out) noexcept {
  ++drops_[static_cast<std::size_t>(reason)];
  out.dropped = reason;
}

endpoint::peer* endpoint::find(peer_id id) const noexcept {
  auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : it->second.get();
}

} // namespace tsnode::wireguard
