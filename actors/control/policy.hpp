#pragma once
/// @file
/// The control actor's timing decisions as pure functions (tailscale-protocol.md §4.2; Go
/// control/controlclient/auto.go backoff, direct.go watchdogTimeout): how long to wait before
/// reconnecting, and when a silent map stream is dead. Randomness is injected.

#include <chrono>

#include "control/netmap.hpp"
#include "crypto/random.hpp"

namespace tsnode::control_policy {

/// Returns the delay before reconnect attempt `failures` (1 = the first retry after a failure):
/// `base * 2^(failures-1)` capped at `cap`, then jittered uniformly into [d/2, d] so that many
/// nodes do not reconnect in step after a server restart. `failures` 0 returns 0.
std::chrono::milliseconds reconnect_delay(unsigned failures, std::chrono::milliseconds base,
                                          std::chrono::milliseconds cap,
                                          crypto::random_source& rng);

/// Returns whether a map stream whose last message (keep-alives included) arrived at `last` is
/// dead at `now`: silent for `timeout` or longer (Go: 120 s; headscale keeps alive every 50-59 s).
constexpr bool stream_silent(std::chrono::steady_clock::time_point last,
                             std::chrono::steady_clock::time_point now,
                             std::chrono::milliseconds timeout) noexcept {
  return now - last >= timeout;
}

/// Returns the home DERP region to report as Hostinfo.NetInfo.PreferredDERP (trap #8) when the
/// node was given none: the lowest region ID that has nodes and is neither `Avoid` nor
/// `NoMeasureNoHome`; 0 when there is none. (Go measures latencies and takes the fastest; with
/// no DERP client of its own yet, the node takes a stable choice every node would agree on.)
int choose_home_derp(const control::derp_map& derp);

} // namespace tsnode::control_policy
