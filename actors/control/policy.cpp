#include "actors/control/policy.hpp"

#include <algorithm>

namespace tsnode::control_policy {

std::chrono::milliseconds reconnect_delay(unsigned failures, std::chrono::milliseconds base,
                                          std::chrono::milliseconds cap,
                                          crypto::random_source& rng) {
  if (failures == 0 || base.count() <= 0)
    return std::chrono::milliseconds{0};
  auto d = base;
  for (unsigned i = 1; i < failures && d < cap; ++i)
    d *= 2;
  d = std::min(d, cap);
  auto half = d.count() / 2;
  auto span = static_cast<std::uint32_t>(std::min<long long>(d.count() - half, 0xffffffffLL));
  return std::chrono::milliseconds{half + (span > 0 ? rng.uniform(span + 1) : 0)};
}

int choose_home_derp(const control::derp_map& derp) {
  for (auto& [id, r] : derp.regions) // std::map: lowest ID first
    if (id > 0 && !r.avoid && !r.no_measure_no_home && !r.nodes.empty())
      return id;
  return 0;
}

} // namespace tsnode::control_policy
