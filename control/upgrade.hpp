#pragma once
/// @file
/// The HTTP/1.1 upgrade that starts a ts2021 connection (tailscale-protocol.md §2.2; Go
/// control/controlhttp/client.go, controlhttpserver): `POST /ts2021` with
/// `Upgrade: tailscale-control-protocol`, `Connection: upgrade` and the Noise initiation in
/// `X-Tailscale-Handshake` (standard base64, padded). The server answers `101 Switching
/// Protocols` and writes the Noise response right after the head, so the head must be read
/// exactly up to its blank line. Over TLS this must stay HTTP/1.1 without ALPN `h2` (trap #19).

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "control/errors.hpp"
#include "control/noise_ik.hpp"
#include "crypto/bytes.hpp"

namespace tsnode::control {

inline constexpr std::string_view upgrade_path = "/ts2021";
inline constexpr std::string_view upgrade_protocol = "tailscale-control-protocol";
/// A response head larger than this is refused (a real one is a few hundred bytes).
inline constexpr std::size_t max_upgrade_head_size = 16 * 1024;

/// Returns the request head for `host` (`host` or `host:port`, as in the control URL), carrying
/// `initiation` base64-encoded (136 characters).
std::string upgrade_request(std::string_view host, const byte_array<initiation_size>& initiation);

/// The head is not complete yet.
struct upgrade_pending {};
/// The server switched protocols. The bytes of the last chunk past `consumed` are ts2021 bytes
/// (the Noise response, noise_ik_client::feed).
struct upgrade_done {
  std::size_t consumed = 0;
};
using upgrade_step = std::variant<upgrade_pending, upgrade_done, control_error>;

/// Reads the server's response head incrementally.
class upgrade_response_reader {
public:
  /// Consumes bytes up to the end of the head (`\r\n\r\n`). Errors: bad_upgrade_response (not
  /// `HTTP/1.x NNN`, or longer than 16 KiB), upgrade_refused (a status other than 101, detail
  /// "HTTP <status> <reason>", e.g. headscale's 400s of §2.2; or 101 without
  /// `Upgrade: tailscale-control-protocol`). After a result other than pending, later calls
  /// fail with `finished`.
  upgrade_step feed(byte_view bytes);

  /// Returns the status code once the status line was parsed, else 0.
  int status() const noexcept { return status_; }

private:
  upgrade_step finish();

  std::string head_;
  int status_ = 0;
  bool done_ = false;
};

} // namespace tsnode::control
