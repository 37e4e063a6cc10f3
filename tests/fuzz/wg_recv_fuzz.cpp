// libFuzzer target: the WireGuard endpoint's receive path (wireguard/endpoint.hpp) with the
// message parser behind it (style.md §5.19). The first byte picks a mode:
//   0  one datagram into a fresh endpoint that knows one peer (bit 0x10: under load)
//   1  one datagram into B after a completed handshake with A (bit 0x10: under load)
//   2  a script of records [op][len le16][bytes] after the handshake: datagram to B, datagram
//      to A, advance the clock by len*100 ms and dispatch timers, or B sends an IP packet to A
//   3  the rest as an IP packet that A sends after the handshake, delivered to B: whatever A
//      encrypts, B must deliver unchanged (trimmed to its IP length)
// Any input must be consumed without a crash, an assert or unbounded growth, and whatever an
// endpoint delivers to its local stack must be a sane IP packet.
#include <cstdint>
#include <cstdlib>

#include "tests/fuzz/wg_fuzz_pair.hpp"
#include "wireguard/ip_packet.hpp"

using namespace tsnode;
using namespace tsnode::wireguard;

namespace {

void check_delivered(const endpoint_result& r) {
  for (const auto& p : r.to_local) {
    auto h = parse_ip_header(p.bytes);
    if (!h || h->length != p.bytes.size() || p.peer == 0)
      std::abort(); // the endpoint delivered something it must have dropped
  }
  if (r.to_network.size() > 1000)
    std::abort(); // one input must not make an endpoint spray datagrams
}

void one_datagram(fuzz::fuzz_pair& f, bool handshake, bool under_load, byte_view d) {
  if (handshake) {
    f.handshake();
    f.advance(std::chrono::seconds{1}); // past the initiation flood limit, within the session
  }
  f.b.set_under_load(under_load);
  f.out.clear();
  f.b.recv(f.now, f.wall, f.a_addr, d, f.out);
  check_delivered(f.out);
  // Whatever B answered goes to A, which must survive it too.
  auto replies = f.out.to_network.size();
  for (std::size_t i = 0; i < replies; ++i) {
    auto r = f.a.recv(f.now, f.wall, f.b_addr, f.out.to_network[i].bytes);
    check_delivered(r);
  }
}

void script(fuzz::fuzz_pair& f, byte_view s) {
  f.handshake();
  while (s.size() >= 3) {
    const std::uint8_t op = s[0] & 3;
    std::size_t len = load_le32(std::array<std::uint8_t, 4>{s[1], s[2], 0, 0}.data());
    s = s.subspan(3);
    len = std::min(len, s.size());
    auto body = s.first(len);
    s = s.subspan(len);
    endpoint_result r;
    switch (op) {
      case 0:
        f.b.recv(f.now, f.wall, f.a_addr, body, r);
        break;
      case 1:
        f.a.recv(f.now, f.wall, f.b_addr, body, r);
        break;
      case 2: {
        f.advance(std::chrono::milliseconds{100} * len);
        f.a.dispatch_events(f.now, f.wall, r);
        f.b.dispatch_events(f.now, f.wall, r);
        break;
      }
      case 3: {
        auto sent = f.b.send(f.now, f.wall, body);
        f.deliver(f.a, f.b_addr, sent);
        r = std::move(f.out);
        break;
      }
    }
    check_delivered(r);
  }
}

void differential_send(fuzz::fuzz_pair& f, byte_view packet) {
  f.handshake();
  auto sent = f.a.send(f.now, f.wall, packet);
  check_delivered(sent);
  f.deliver(f.b, f.a_addr, sent);
  check_delivered(f.out);
  auto h = parse_ip_header(packet);
  const bool routable = h && packet.size() <= max_inner_packet_size;
  if (routable != (f.out.to_local.size() == 1))
    std::abort(); // A sent a sane packet that B did not deliver, or the reverse
  if (routable) {
    const auto& got = f.out.to_local[0].bytes;
    if (got.size() != h->length || !std::equal(got.begin(), got.end(), packet.begin()))
      std::abort(); // the tunnel changed the packet
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const std::uint8_t mode = data[0];
  byte_view rest{data + 1, size - 1};
  fuzz::fuzz_pair f;
  switch (mode & 3) {
    case 0:
      one_datagram(f, false, (mode & 0x10) != 0, rest);
      break;
    case 1:
      one_datagram(f, true, (mode & 0x10) != 0, rest);
      break;
    case 2:
      script(f, rest);
      break;
    case 3:
      differential_send(f, rest);
      break;
  }
  return 0;
}
