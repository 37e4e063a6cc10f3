#include "wireguard/session.hpp"

#include <algorithm>

#include "crypto/aead.hpp"

namespace tsnode::wireguard {

std::unique_ptr<keypair> keypair::make(session_keys keys, time_point now) {
  auto kp = std::make_unique<keypair>();
  kp->send_key = std::move(keys.send);
  kp->receive_key = std::move(keys.receive);
  kp->created = now;
  kp->initiator = keys.initiator;
  kp->local_index = keys.local_index;
  kp->remote_index = keys.remote_index;
  return kp;
}

void keypair_slots::drop(std::unique_ptr<keypair>& slot, std::vector<std::uint32_t>& retired) {
  if (slot) {
    retired.push_back(slot->local_index);
    slot.reset(); // key32 wipes itself
  }
}

void keypair_slots::install(std::unique_ptr<keypair> kp, std::vector<std::uint32_t>& retired) {
  if (kp->initiator) {
    // The initiator has confirmation already (it consumed the response): use the new keypair at
    // once, keep the newest older one as previous for packets still in flight.
    if (next_) {
      drop(previous_, retired);
      previous_ = std::move(next_);
      drop(current_, retired);
    } else {
      drop(previous_, retired);
      previous_ = std::move(current_);
    }
    current_ = std::move(kp);
  } else {
    // The responder may not send with the new keypair before the initiator used it (paper
    // §5.4.5), so it waits in next; current keeps serving until then.
    drop(next_, retired);
    next_ = std::move(kp);
    drop(previous_, retired);
  }
}

void keypair_slots::promote_next(std::vector<std::uint32_t>& retired) {
  drop(previous_, retired);
  previous_ = std::move(current_);
  current_ = std::move(next_);
}

void keypair_slots::clear(std::vector<std::uint32_t>& retired) {
  drop(previous_, retired);
  drop(current_, retired);
  drop(next_, retired);
}

std::size_t padded_size(std::size_t size, std::size_t mtu) noexcept {
  const std::size_t rounded = (size + padding_multiple - 1) / padding_multiple * padding_multiple;
  if (mtu == 0)
    return rounded; // no MTU known: pad without a cap, as wireguard-go does
  if (size > mtu)
    return size; // larger than the MTU already: padding would only add to the damage
  return std::min(rounded, mtu);
}

bool seal_transport(keypair& kp, byte_view plaintext, std::size_t mtu, byte_buffer& out) {
  if (kp.send_counter >= reject_after_messages) {
    out.clear();
    return false;
  }
  const std::uint64_t counter = kp.send_counter++;
  const std::size_t padded = padded_size(plaintext.size(), mtu);
  out.resize(transport_header_size + padded + tag_size);
  auto* p = out.data();
  write_transport_header(p, kp.remote_index, counter);
  std::copy(plaintext.begin(), plaintext.end(), p + transport_header_size);
  std::fill(p + transport_header_size + plaintext.size(), p + transport_header_size + padded,
            std::uint8_t{0});
  // Encrypt in place: seal() allows `out` to alias the plaintext exactly.
  std::span<std::uint8_t> body{p + transport_header_size, padded};
  crypto::seal(kp.send_key, crypto::nonce_le64(counter), {}, body,
               std::span<std::uint8_t>{p + transport_header_size, padded + tag_size});
  return true;
}

bool open_transport(const keypair& kp, const transport_data& msg, byte_buffer& out) {
  if (msg.encrypted_packet.size() < tag_size)
    return false;
  out.resize(msg.encrypted_packet.size() - tag_size);
  return crypto::open(kp.receive_key, crypto::nonce_le64(msg.counter), {}, msg.encrypted_packet,
                      out);
}

} // namespace tsnode::wireguard
