#pragma once
// Fixture for the `layering_detects_violations` ctest: a "pure core" that breaks every rule.
#include <caf/all.hpp>
#include <sys/socket.h>
inline auto t = std::chrono::steady_clock::now();
