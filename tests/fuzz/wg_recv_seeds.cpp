// Writes the seed corpus of wg_recv_fuzz (tests/fuzz/corpus/wg_recv/) from the same
// deterministic pair the fuzzer builds (tests/fuzz/wg_fuzz_pair.hpp), so that the seeds carry
// valid indices, tags and macs. Run: wg_recv_seeds <dir>.
#include <cstdio>
#include <fstream>
#include <string>

#include "tests/fuzz/wg_fuzz_pair.hpp"

using namespace tsnode;
using namespace tsnode::wireguard;

namespace {

void write(const std::string& dir, const std::string& name, std::uint8_t mode, byte_view body) {
  std::ofstream out{dir + "/" + name, std::ios::binary};
  out.put(static_cast<char>(mode));
  out.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
}

void append_record(byte_buffer& s, std::uint8_t op, byte_view body) {
  s.push_back(op);
  s.push_back(static_cast<std::uint8_t>(body.size()));
  s.push_back(static_cast<std::uint8_t>(body.size() >> 8));
  s.insert(s.end(), body.begin(), body.end());
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];

  // Mode 0: the initiation A sends first, into a fresh B (valid: B answers).
  {
    fuzz::fuzz_pair f;
    auto from_a = f.handshake();
    write(dir, "m0_initiation", 0, from_a.at(0));
    write(dir, "m0_initiation_under_load", 0x10, from_a.at(0));
    write(dir, "m0_garbage", 0, as_bytes("not a wireguard message"));
  }
  // Mode 1: after the handshake, A's next transport messages, a keepalive, a later initiation.
  {
    fuzz::fuzz_pair f;
    auto from_a = f.handshake();
    auto data = f.a.send(f.now, f.wall, fuzz::sample_ipv4(100, 0x55));
    write(dir, "m1_transport", 1, data.to_network[0].bytes);
    write(dir, "m1_replayed_first_data", 1, from_a.at(1));
    f.advance(std::chrono::milliseconds{200000}); // past REJECT_AFTER_TIME: a new initiation
    auto again = f.a.send(f.now, f.wall, fuzz::sample_ipv4(10, 0x66));
    for (const auto& d : again.to_network)
      if (d.bytes.size() == handshake_initiation_size)
        write(dir, "m1_reinitiation", 1, d.bytes);
  }
  {
    fuzz::fuzz_pair f;
    f.handshake();
    peer_config cfg; // a persistent keepalive at A makes it send one at the next dispatch
    cfg.public_key = f.b.public_key();
    cfg.allowed_ips = {*ip_prefix::parse("0.0.0.0/0")};
    cfg.persistent_keepalive = std::chrono::seconds{25};
    f.a.update_peer(std::move(cfg));
    auto r = f.a.dispatch_events(f.now, f.wall);
    for (const auto& d : r.to_network)
      if (d.bytes.size() == transport_min_size)
        write(dir, "m1_keepalive", 1, d.bytes);
  }
  // Mode 2: a script: data to B, 10 s pass, B answers, A's packet replayed, 200 s pass.
  {
    fuzz::fuzz_pair f;
    auto from_a = f.handshake();
    auto data = f.a.send(f.now, f.wall, fuzz::sample_ipv4(40, 0x77));
    byte_buffer s;
    append_record(s, 0, data.to_network[0].bytes);
    append_record(s, 2, byte_buffer(100, 0)); // 100 x 100 ms
    byte_buffer reply = fuzz::sample_ipv4(30, 0x88);
    std::swap_ranges(reply.begin() + 12, reply.begin() + 16, reply.begin() + 16);
    append_record(s, 3, reply);
    append_record(s, 0, data.to_network[0].bytes);
    append_record(s, 2, byte_buffer(2000, 0));
    write(dir, "m2_script", 2, s);
  }
  // Mode 3: IP packets for A to send.
  {
    write(dir, "m3_ipv4", 3, fuzz::sample_ipv4(64, 0x99));
    byte_buffer v6(40 + 12, 0xaa);
    v6[0] = 0x60;
    store_be16(v6.data() + 4, 12);
    v6[6] = 17;
    write(dir, "m3_ipv6", 3, v6);
    auto padded = fuzz::sample_ipv4(8, 0xbb);
    padded.resize(padded.size() + 9, 0);
    write(dir, "m3_ipv4_trailing_bytes", 3, padded);
  }
  return 0;
}
