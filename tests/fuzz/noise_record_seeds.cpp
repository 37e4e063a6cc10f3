// Writes the seed corpus of noise_record_fuzz (tests/fuzz/corpus/noise_record/): real records
// under the vectors' k2 carrying an early payload and a server's HTTP/2 answer (made by the
// in-process nghttp2 server), the same bytes unencrypted, map stream messages plain and zstd,
// the vectors' handshake response, alone and after a 101 upgrade head. Byte 0 of each seed is the
// fuzzer's chunk size. Usage: noise_record_seeds <dir>
#include <cstdio>
#include <fstream>
#include <string>

#include <zstd.h>

#include "control/h2_client.hpp"
#include "control/record.hpp"
#include "crypto/aead.hpp"
#include "tests/control/h2_test_server.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::control;

namespace {

void write(const std::string& dir, const std::string& name, std::uint8_t chunk, byte_view body) {
  std::ofstream out{dir + "/" + name, std::ios::binary};
  out.put(static_cast<char>(chunk));
  out.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
}

byte_buffer early_payload() {
  std::string json = R"({"nodeKeyChallenge":"chalpub:)" + std::string(64, 'a') + R"("})";
  byte_buffer out{0xff, 0xff, 0xff, 'T', 'S', 0, 0, 0, 0};
  store_be32(out.data() + 5, static_cast<std::uint32_t>(json.size()));
  out.insert(out.end(), json.begin(), json.end());
  return out;
}

/// Returns what a server writes in answer to a client's preface and one POST.
byte_buffer server_answer() {
  auto client = std::get<h2_client>(h2_client::create());
  test::h2_test_server server;
  server.respond("/machine/map", 200, byte_buffer(300, 'x'));
  (void)client.submit(h2_request{"POST", "/machine/map", "example", "https", {}, {'{', '}'}});
  server.receive(std::get<byte_buffer>(client.take_output()));
  return server.output();
}

byte_buffer map_message(std::string_view json) {
  byte_buffer out(4);
  store_le32(out.data(), static_cast<std::uint32_t>(json.size()));
  out.insert(out.end(), json.begin(), json.end());
  return out;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <dir>\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  auto k2 = test::hex_array<32>("9b40738cc543c05f5ebd16dac9b12211c6e9edbb42385d92c47bd6def1f318ae");

  auto plain = early_payload();
  auto h2 = server_answer();
  plain.insert(plain.end(), h2.begin(), h2.end());
  record_writer w{crypto::key32{k2}};
  write(dir, "records_early_h2.bin", 0, std::get<byte_buffer>(w.seal(plain)));
  record_writer w2{crypto::key32{k2}};
  write(dir, "records_h2_chunk7.bin", 7, std::get<byte_buffer>(w2.seal(h2)));
  // An empty record (only a tag) followed by a real one: our writer never makes the former.
  byte_buffer empty_then_data{4, 0, 16};
  auto tag = crypto::seal(crypto::key32{k2}, crypto::nonce_be64(0), {}, {});
  empty_then_data.insert(empty_then_data.end(), tag.begin(), tag.end());
  record_writer w3{crypto::key32{k2}, 1};
  auto rest = std::get<byte_buffer>(w3.seal(h2));
  empty_then_data.insert(empty_then_data.end(), rest.begin(), rest.end());
  write(dir, "records_empty_first.bin", 0, empty_then_data);
  write(dir, "plain_early_h2.bin", 0, plain);
  write(dir, "plain_h2_chunk1.bin", 1, h2);

  auto maps = map_message(R"({"KeepAlive":true})");
  auto second = map_message(R"({"Node":{"ID":1}})");
  maps.insert(maps.end(), second.begin(), second.end());
  write(dir, "map_plain_chunk3.bin", 3, maps);
  std::string json = R"({"Peers":[)" + std::string(2000, ' ') + "]}";
  byte_buffer z(ZSTD_compressBound(json.size()));
  z.resize(ZSTD_compress(z.data(), z.size(), json.data(), json.size(), 3));
  byte_buffer zmsg(4);
  store_le32(zmsg.data(), static_cast<std::uint32_t>(z.size()));
  zmsg.insert(zmsg.end(), z.begin(), z.end());
  write(dir, "map_zstd.bin", 0, zmsg);

  auto resp = test::hex("020030ac01b2209e86354fb853237b5de0f4fab13c7fcbf433a61c019369617fecf10b70ed"
                        "2feb738975e5fa3438f6799c5393"
                        "0400150dd279374f4a5230696a9fe7d672af5c494e2d29ba");
  write(dir, "handshake_response_chunk2.bin", 2, resp);
  std::string head = "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n"
                     "Upgrade: tailscale-control-protocol\r\n\r\n";
  byte_buffer upgraded(head.begin(), head.end());
  upgraded.insert(upgraded.end(), resp.begin(), resp.end());
  write(dir, "upgrade_then_response_chunk5.bin", 5, upgraded);
  write(dir, "handshake_error.bin", 0, test::hex("03 00 05 68 65 6c 6c 6f"));
  return 0;
}
