#pragma once
/// @file
/// Wall-clock instants of the control JSON (Go time.Time, RFC 3339 with optional fraction):
/// KeyExpiry, LastSeen, ControlTime, RegisterRequest.Expiry. Only conversions: the cores never
/// read a clock, the shell passes `now`.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tsnode::control {

/// A UTC instant with millisecond resolution (finer digits are dropped when parsing).
using wall_time = std::chrono::sys_time<std::chrono::milliseconds>;

/// Parses RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)` as Go's time.Time
/// UnmarshalJSON does. Returns nullopt on malformed text.
std::optional<wall_time> parse_rfc3339(std::string_view text);

/// Returns `YYYY-MM-DDTHH:MM:SS[.mmm]Z` (the fraction only when non-zero), for years 0..9999.
std::string format_rfc3339(wall_time t);

/// Go's zero time.Time, 0001-01-01T00:00:00Z: what Go writes for "no time" without omitempty.
inline constexpr wall_time go_zero_time{std::chrono::milliseconds{-62135596800000}};

} // namespace tsnode::control
