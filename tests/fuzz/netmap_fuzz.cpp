// libFuzzer target: the MapResponse decoder and the delta rules (control/netmap.hpp), plus the
// other JSON parsers of control/ (RegisterResponse, /key, EarlyNoise) and the IP text parsers.
// The input is a sequence of messages separated by NUL bytes, applied in order to one
// map_session. Nothing may crash or throw; invariants of the model are checked after each
// applied message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "control/early_payload.hpp"
#include "control/ip.hpp"
#include "control/netmap.hpp"
#include "control/requests.hpp"

using namespace tsnode::control;

namespace {

void check_invariants(const netmap& m) {
  for (auto& [id, n] : m.peers)
    if (id != n.id)
      std::abort(); // peers are keyed by their own ID
  std::size_t rules = 0;
  for (auto& [name, r] : m.named_packet_filters)
    rules += r.size();
  if (rules != m.packet_filter.size())
    std::abort(); // the filter is the concatenation of the named ones
  if (!m.self)
    std::abort(); // a stream is only started by a message with Node
}

template <class T>
void round_trip(std::string_view text) {
  auto a = T::parse(text);
  if (!a)
    return;
  auto b = T::parse(a->to_string());
  if (!b || !(*a == *b))
    std::abort(); // what parses must print to something that parses back the same
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view all{reinterpret_cast<const char*>(data), size};
  map_session session;
  wall_time now{std::chrono::milliseconds{1700000000000}};
  std::size_t start = 0;
  while (start <= all.size()) {
    auto end = all.find('\0', start);
    if (end == all.npos)
      end = all.size();
    auto msg = all.substr(start, end - start);
    auto r = session.apply(msg, now);
    if (std::holds_alternative<map_update>(r) && session.has_netmap())
      check_invariants(session.current());
    now += std::chrono::seconds{1};
    if (msg.size() <= 64) {
      round_trip<ip_address>(msg);
      round_trip<ip_prefix>(msg);
      round_trip<ip_port>(msg);
      // Offsets can move a parsed time out of the years 1..9999 that format_rfc3339 prints.
      constexpr std::int64_t year1 = -62135596800000, year10000 = 253402300800000;
      if (auto t = parse_rfc3339(msg); t && t->time_since_epoch().count() >= year1
                                       && t->time_since_epoch().count() < year10000
                                       && parse_rfc3339(format_rfc3339(*t)) != t)
        std::abort();
    }
    start = end + 1;
  }
  (void)parse_register_response(all);
  (void)parse_server_key_response(all);
  (void)parse_early_noise(all);
  return 0;
}
