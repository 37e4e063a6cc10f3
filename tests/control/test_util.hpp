#pragma once
/// @file
/// Helpers shared by the control/ tests: the ts2021 vectors of
/// ../shared/vectors/ts2021-derp-disco.txt ("== controlbase handshake", protocol version 130;
/// derived with standard crypto libraries from fixed keys and re-derived independently by
/// ../shared/vectors/check_vectors.py, tailscale-protocol.md §9.2), a scripted random source,
/// chunked feeding and fixture loading.

#include <cstdint>
#include <deque>
#include <fstream>
#include <iterator>
#include <span>
#include <string>

#include <optional>
#include <ostream>

#include <boost/test/tools/detail/print_helper.hpp>

#include "control/errors.hpp"
#include "control/ip.hpp"
#include "control/wall_time.hpp"
#include "crypto/bytes.hpp"
#include "crypto/random.hpp"

namespace tsnode::control {
/// Prints error codes in BOOST_TEST failures.
inline std::ostream& operator<<(std::ostream& os, control_errc x) {
  return os << to_string(x);
}
} // namespace tsnode::control

// Printers for BOOST_TEST failures on optionals, times and addresses.
namespace boost::test_tools::tt_detail {
template <class T>
struct print_log_value<std::optional<T>> {
  void operator()(std::ostream& os, const std::optional<T>& v) {
    if (v)
      print_log_value<T>()(os, *v);
    else
      os << "nullopt";
  }
};
template <>
struct print_log_value<tsnode::control::wall_time> {
  void operator()(std::ostream& os, const tsnode::control::wall_time& t) {
    os << tsnode::control::format_rfc3339(t);
  }
};
template <>
struct print_log_value<tsnode::control::ip_prefix> {
  void operator()(std::ostream& os, const tsnode::control::ip_prefix& a) { os << a.to_string(); }
};
template <>
struct print_log_value<tsnode::control::ip_address> {
  void operator()(std::ostream& os, const tsnode::control::ip_address& a) { os << a.to_string(); }
};
} // namespace boost::test_tools::tt_detail

namespace tsnode::test::ts2021 {

inline constexpr std::uint16_t version = 130;
// Keys: machine priv 01x32, control priv 02x32, client ephemeral 03x32, server ephemeral 04x32.
inline constexpr const char* machine_pub
  = "a4e09292b651c278b9772c569f5fa9bb13d906b46ab68c9df9dc2b4409f8a209";
inline constexpr const char* control_pub
  = "ce8d3ad1ccb633ec7b70c17814a5c76ecd029685050d344745ba05870e587d59";
inline constexpr const char* initiation
  = "00820100605dfedd3b6bd47f6fa28ee15d969d5bb0ea53774d488bdaf9df1c6e0124b3ef224391bcfef3f1b0f05187"
    "3c2103356110f8056ef928c4354783347c74dc7b71b70e0f5b50a56719be803c073b63f66f6dda6b55c897c58f4105"
    "5a914436219188";
inline constexpr const char* response
  = "020030ac01b2209e86354fb853237b5de0f4fab13c7fcbf433a61c019369"
    "617fecf10b70ed2feb738975e5fa3438f6799c5393";
inline constexpr const char* handshake_hash
  = "bc8a8f7496c69c0fb399e329941c040f4e94afc88a44e5a7505f4afcd2a3a376";
inline constexpr const char* k1
  = "8b63a17b3027c853ffcfea99dae9d090a15504924d85f87dedb5f6f99e53f853";
inline constexpr const char* k2
  = "9b40738cc543c05f5ebd16dac9b12211c6e9edbb42385d92c47bd6def1f318ae";
// Records of "hello" with k1 at counters 0, 1, 256, and of "world" with k2 at counter 0.
inline constexpr const char* c2s_hello_0 = "0400157e9a0710d65c099d90855ea7bedaf383351791424d";
inline constexpr const char* c2s_hello_1 = "040015a084b51a34fb4b9e9ea7bda3ff9feeceffe03d1645";
inline constexpr const char* c2s_hello_256 = "04001511bcd92591d12181a11eed2ea646dee3d848a924e1";
inline constexpr const char* s2c_world_0 = "0400150dd279374f4a5230696a9fe7d672af5c494e2d29ba";

} // namespace tsnode::test::ts2021

namespace tsnode::test {

/// Hands out scripted bytes first, then a counter pattern (never all zeros).
class scripted_random final : public crypto::random_source {
public:
  void script(byte_view bytes) { queue_.insert(queue_.end(), bytes.begin(), bytes.end()); }
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) {
      if (!queue_.empty()) {
        b = queue_.front();
        queue_.pop_front();
      } else {
        b = static_cast<std::uint8_t>(0x5a ^ next_++);
      }
    }
  }

private:
  std::deque<std::uint8_t> queue_;
  std::uint8_t next_ = 1;
};

/// Calls `feed(chunk)` for consecutive chunks of `bytes` of size `chunk` (the last may be
/// shorter); `chunk` 0 means all at once.
template <class F>
void feed_chunked(byte_view bytes, std::size_t chunk, F&& feed) {
  if (chunk == 0 || bytes.empty()) {
    feed(bytes);
    return;
  }
  for (std::size_t off = 0; off < bytes.size(); off += chunk)
    feed(bytes.subspan(off, std::min(chunk, bytes.size() - off)));
}

/// Returns the contents of tests/control/fixtures/<name>.
inline std::string fixture(const std::string& name) {
  std::ifstream in{std::string{TSNODE_CONTROL_FIXTURES} + "/" + name, std::ios::binary};
  return std::string{std::istreambuf_iterator<char>{in}, {}};
}

} // namespace tsnode::test
