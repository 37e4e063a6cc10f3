// libFuzzer target: the SOCKS5 session (proxy/socks5.hpp via proxy/session.hpp), the UDP ASSOCIATE
// header parser and the IP text parser. Input: [chunk][events][max payload] then the bytes. Any
// input must be answered without crashing; chunking must not change the outcome; what parses must
// print and parse back to the same value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "proxy/address.hpp"
#include "proxy/credentials.hpp"
#include "proxy/session.hpp"
#include "proxy/udp_relay.hpp"
#include "tests/fuzz/socks5_fuzz_driver.hpp"

using namespace tsnode;
using namespace tsnode::proxy;

namespace {

void check_udp(const std::uint8_t* data, std::size_t size, std::size_t max_payload) {
  auto r = parse_udp_datagram({data, size}, max_payload);
  auto* d = std::get_if<udp_datagram>(&r);
  if (d == nullptr)
    return;
  if (d->data.size() > max_payload || d->data.data() + d->data.size() != data + size)
    std::abort();
  fuzz::check_destination(d->dst);
  auto built = build_udp_datagram(d->dst, d->data);
  auto* bytes = std::get_if<byte_buffer>(&built);
  if (bytes == nullptr)
    std::abort();
  auto again = parse_udp_datagram(*bytes, max_payload);
  auto* d2 = std::get_if<udp_datagram>(&again);
  if (d2 == nullptr || d2->dst.host != d->dst.host || d2->dst.ip != d->dst.ip
      || d2->dst.port != d->dst.port
      || !std::equal(d2->data.begin(), d2->data.end(), d->data.begin(), d->data.end()))
    std::abort();
}

void check_ip_text(const std::uint8_t* data, std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto ip = ip_address::parse(text);
  if (ip) {
    auto printed = ip->to_string();
    auto back = ip_address::parse(printed);
    if (!back || *back != *ip || back->to_string() != printed)
      std::abort();
  }
  auto d = make_destination(text, 1);
  if (d) {
    fuzz::check_destination(*d);
    if (d->is_name() && d->host != text)
      std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3)
    return 0;
  std::size_t chunk = 1 + data[0] % 16;
  std::uint8_t events = data[1];
  std::size_t max_payload = static_cast<std::size_t>(data[2]) * 8;
  const std::uint8_t* in = data + 3;
  std::size_t n = size - 3;
  // The password is short so the fuzzer can reach the request parser from the seeds.
  fuzz::differential([] { return proxy_session{credentials{"pw"}}; }, in, n, chunk, events);
  check_udp(in, n, max_payload);
  check_ip_text(in, n);
  return 0;
}
