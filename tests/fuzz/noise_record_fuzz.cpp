// libFuzzer target: the byte-stream readers between the socket and HTTP/2 (control/record.hpp,
// control/early_payload.hpp, control/h2_client.hpp, control/noise_ik.hpp, control/map_stream.hpp).
// Byte 0 chooses the chunk size (0 = all at once); the rest is the stream, fed to
//  - a record_reader keyed with the vectors' k2 (seeds hold real records), whose plaintext goes
//    through the early-payload stripper into an HTTP/2 client session;
//  - the stripper and an HTTP/2 client directly (so unencrypted inputs reach them too);
//  - the upgrade response-head reader, then a handshake client with what follows the head;
//  - map stream readers, plain and zstd, with small bounds.
// Nothing may crash, and nothing may be buffered beyond the documented bounds.
#include <cstdint>
#include <cstdlib>

#include "control/early_payload.hpp"
#include "control/h2_client.hpp"
#include "control/map_stream.hpp"
#include "control/noise_ik.hpp"
#include "control/record.hpp"
#include "control/upgrade.hpp"

using namespace tsnode;
using namespace tsnode::control;

namespace {

constexpr byte_array<32> k2{0x9b, 0x40, 0x73, 0x8c, 0xc5, 0x43, 0xc0, 0x5f, 0x5e, 0xbd, 0x16,
                            0xda, 0xc9, 0xb1, 0x22, 0x11, 0xc6, 0xe9, 0xed, 0xbb, 0x42, 0x38,
                            0x5d, 0x92, 0xc4, 0x7b, 0xd6, 0xde, 0xf1, 0xf3, 0x18, 0xae};

template <class F>
void chunked(byte_view bytes, std::size_t chunk, F&& f) {
  if (chunk == 0) {
    f(bytes);
    return;
  }
  for (std::size_t off = 0; off < bytes.size(); off += chunk)
    f(bytes.subspan(off, std::min(chunk, bytes.size() - off)));
}

struct h2_sink {
  h2_client client = std::get<h2_client>(h2_client::create());
  bool dead = false;
  void feed(byte_view b) {
    if (dead || b.empty())
      return;
    if (client.receive(b))
      dead = true;
    (void)client.take_output();
    for (auto& e : client.take_events())
      (void)e;
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  std::size_t chunk = data[0];
  byte_view stream{data + 1, size - 1};

  // Records -> early payload -> HTTP/2.
  {
    record_reader reader{crypto::key32{k2}};
    early_payload_stripper strip;
    h2_sink h2;
    (void)h2.client.submit(h2_request{"POST", "/machine/map", "example", "https", {}, {1, 2}});
    (void)h2.client.take_output();
    chunked(stream, chunk, [&](byte_view b) {
      auto r = reader.feed(b);
      if (r.plaintext.size() > b.size() + max_record_size)
        std::abort(); // plaintext never exceeds what came in plus one buffered record
      auto e = strip.feed(r.plaintext);
      h2.feed(e.http2);
    });
  }
  // Early payload -> HTTP/2 without encryption.
  {
    early_payload_stripper strip;
    h2_sink h2;
    (void)h2.client.submit(h2_request{"GET", "/", "example", "https", {}, {}});
    chunked(stream, chunk, [&](byte_view b) { h2.feed(strip.feed(b).http2); });
  }
  // The upgrade head, then the handshake response reader on the rest.
  {
    upgrade_response_reader up;
    bool switched = false;
    chunked(stream, chunk, [&](byte_view b) {
      if (switched)
        return;
      auto step = up.feed(b);
      if (auto* d = std::get_if<upgrade_done>(&step)) {
        if (d->consumed > b.size())
          std::abort();
        switched = true;
      }
    });
  }
  // The handshake response reader.
  {
    auto c = noise_ik_client::start(crypto::machine_private{byte_array<32>{1}},
                                    crypto::machine_public{k2}, 130,
                                    crypto::secret<32>{byte_array<32>{3}});
    if (auto* client = std::get_if<noise_ik_client>(&c)) {
      chunked(stream, chunk, [&](byte_view b) {
        auto step = client->feed(b);
        if (auto* done = std::get_if<handshake_complete>(&step); done && done->consumed > b.size())
          std::abort();
      });
    }
  }
  // Map stream framing, both encodings, with small bounds.
  for (auto mode : {map_compression::none, map_compression::zstd}) {
    map_stream_reader r{mode, map_stream_limits{1u << 16, 1u << 18}};
    chunked(stream, chunk, [&](byte_view b) {
      for (auto& m : r.feed(b).messages)
        if (m.size() > (1u << 18) || m.empty())
          std::abort();
    });
  }
  return 0;
}
