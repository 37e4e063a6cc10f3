// libFuzzer target: the HTTP CONNECT session (proxy/http_connect.hpp via proxy/session.hpp) and
// the base64 decoder. Input: [chunk][events][head limit] then the bytes. Any input must be
// answered without crashing; chunking must not change the outcome; base64 must round-trip.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proxy/base64.hpp"
#include "proxy/credentials.hpp"
#include "proxy/session.hpp"
#include "tests/fuzz/socks5_fuzz_driver.hpp"

using namespace tsnode;
using namespace tsnode::proxy;

namespace {

void check_base64(const std::uint8_t* data, std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  if (auto decoded = base64_decode(text)) {
    // One encoding per value: re-encoding gives the input, padded.
    auto encoded = base64_encode(*decoded);
    if (encoded.substr(0, text.size()) != text || encoded.size() - text.size() > 2)
      std::abort();
  }
  auto round = base64_decode(base64_encode(text));
  if (!round || *round != text)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3)
    return 0;
  std::size_t chunk = 1 + data[0] % 32;
  std::uint8_t events = data[1];
  // Mostly the real limit; sometimes a tiny one, so 431 is reachable.
  std::size_t limit = data[2] < 128 ? default_max_head_size : 16 + data[2];
  const std::uint8_t* in = data + 3;
  std::size_t n = size - 3;
  fuzz::differential(
    [limit] {
      return proxy_session{credentials{"pw"}, limit};
    },
    in, n, chunk, events);
  check_base64(in, n);
  return 0;
}
