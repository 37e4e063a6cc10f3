#pragma once
/// @file
/// The proxy credential check: one fixed user name (`tsnet`, as Go tsnet uses) and a per-start
/// random password, compared in constant time (design.md, "Failure and bad input"). The listener
/// generates the password; this file only compares.

#include <functional>
#include <string>
#include <string_view>

namespace tsnode::proxy {

/// Returns whether a user/password pair is accepted. Called at most once per session, with bytes
/// straight from the client (any content, up to 255 bytes each for SOCKS5).
using credential_check = std::function<bool(std::string_view user, std::string_view password)>;

/// The user name the proxy requires (Go `tsnet.Server.Loopback` uses the same).
inline constexpr std::string_view proxy_username = "tsnet";

/// Returns whether `a` and `b` are equal, in time that depends on the lengths only (the password
/// length is not secret: it is always 32 hex characters), never on where they first differ.
bool ct_equal(std::string_view a, std::string_view b) noexcept;

/// A `credential_check` for one user/password pair. Copies wipe their password on destruction.
class credentials {
public:
  /// Accepts exactly `username` and `password`.
  credentials(std::string username, std::string password);

  /// Accepts `proxy_username` and `password`.
  explicit credentials(std::string password);

  credentials(const credentials&) = default;
  credentials(credentials&&) noexcept = default;
  credentials& operator=(const credentials&) = default;
  credentials& operator=(credentials&&) noexcept = default;
  ~credentials();

  /// Returns whether the pair matches; both parts are always compared (no early exit).
  bool operator()(std::string_view user, std::string_view password) const noexcept;

private:
  std::string username_;
  std::string password_;
};

} // namespace tsnode::proxy
