#pragma once
/// @file
/// wg-quick configuration files (wg(8) "CONFIGURATION FILE FORMAT", wg-quick(8)), the input of
/// `tsproxy --wg-config FILE`:
///
///     [Interface]
///     PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=   # or PrivateKeyFile = path
///     Address = 10.192.122.1/24, fd00::1/64
///     ListenPort = 51820
///     [Peer]
///     PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
///     Endpoint = vpn.example.com:51820
///     AllowedIPs = 10.192.122.3/32, 10.192.124.1/24
///
/// Syntax: one `Key = Value` per line; `#` or `;` starts a comment; blank lines, whitespace
/// around keys, values and `=`, a UTF-8 byte order mark and CRLF line ends are fine. Keys and
/// section names are matched without regard to case, as wg-quick does (`shopt -s nocasematch`).
///
/// Keys: [Interface] PrivateKey or PrivateKeyFile (required), Address (several, comma
/// separated, on several lines), ListenPort, MTU; [Peer] (any number) PublicKey (required),
/// PresharedKey or PresharedKeyFile, Endpoint, AllowedIPs (several, on several lines),
/// PersistentKeepalive. wg-quick's host-side keys DNS, Table, PreUp, PostUp, PreDown, PostDown,
/// SaveConfig and wg's FwMark are accepted and ignored with a notice: tsnode changes nothing on
/// the host and runs no scripts. Everything else is an error naming the file and line, e.g.
/// `wg.conf:7: AllowedIPs: "10.0.0.0/33" is not an IP prefix`. Stricter than wg(8) where a slip
/// is likely: a single-valued key given twice, a second [Interface], a key outside a section,
/// and an all-zero key are errors too. Messages never quote a private or preshared key.
///
/// Split for the sans-I/O rule (style.md §5.1): parse_wg_quick() and everything else here is
/// pure; a host name in Endpoint stays a name, and PrivateKeyFile/PresharedKeyFile stay paths.
/// The one function that touches the file system is load_wg_quick(), alone in
/// wg_quick_file.cpp; a caller with its own I/O can use the pure set_*_from_file() instead.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "crypto/keys.hpp"
#include "crypto/secret.hpp"
#include "wireguard/address.hpp"
#include "wireguard/endpoint.hpp"

namespace tsnode::wireguard {

/// A message about a line of a configuration file; line 0 means the file as a whole.
struct wg_quick_diagnostic {
  std::string file;
  int line = 0;
  std::string message;

  /// Returns `file:line: message`, or `file: message` for line 0.
  std::string to_string() const;

  friend bool operator==(const wg_quick_diagnostic&, const wg_quick_diagnostic&) = default;
};

/// Why a configuration was rejected.
using wg_quick_error = wg_quick_diagnostic;

/// An interface address as written: `Address = 10.0.0.2/24` keeps the host part 10.0.0.2,
/// which ip_prefix would mask off. A bare address has bits 32 or 128.
struct wg_quick_address {
  ip_address address;
  std::uint8_t bits = 0;

  /// Returns the network the address is in: 10.0.0.0/24 for 10.0.0.2/24.
  ip_prefix network() const;
  /// Returns `address/bits`.
  std::string to_string() const;

  friend auto operator<=>(const wg_quick_address&, const wg_quick_address&) = default;
};

/// `Endpoint = host:port`. The host is an IP literal (`192.0.2.1:51820`,
/// `[2001:db8::1]:51820`) or a DNS name the caller resolves (`vpn.example.com:51820`).
struct wg_quick_endpoint {
  /// The host as written, without brackets.
  std::string host;
  /// 1 to 65535.
  std::uint16_t port = 0;
  /// The UDP address when `host` is an IP literal; nullopt for a name.
  std::optional<udp_address> address;

  /// Returns `host:port`, with brackets around an IPv6 host.
  std::string to_string() const;

  friend bool operator==(const wg_quick_endpoint&, const wg_quick_endpoint&) = default;
};

/// A key file named by PrivateKeyFile or PresharedKeyFile. The path is as written; a relative
/// one is relative to the directory of the configuration file (load_wg_quick resolves it).
struct wg_quick_key_file {
  std::string path;
  /// The line of the key in the configuration file.
  int line = 0;

  friend bool operator==(const wg_quick_key_file&, const wg_quick_key_file&) = default;
};

/// One [Peer] section.
struct wg_quick_peer {
  crypto::node_public public_key;
  /// From PresharedKey, or from the PresharedKeyFile once read; nullopt: none.
  std::optional<crypto::key32> preshared_key;
  /// Set when the section names PresharedKeyFile.
  std::optional<wg_quick_key_file> preshared_key_file;
  std::optional<wg_quick_endpoint> endpoint;
  /// In file order, host bits masked off (as wg(8) does), without duplicates.
  std::vector<ip_prefix> allowed_ips;
  /// Seconds; 0 is off.
  std::uint16_t persistent_keepalive = 0;
  /// The line of the section's `[Peer]`.
  int line = 0;
};

/// A parsed configuration. Move-only: it holds key material, which wipes itself.
struct wg_quick_config {
  /// From PrivateKey, or from the PrivateKeyFile once read.
  std::optional<crypto::node_private> private_key;
  /// Set when [Interface] names PrivateKeyFile.
  std::optional<wg_quick_key_file> private_key_file;
  /// In file order, without duplicates.
  std::vector<wg_quick_address> addresses;
  /// 0 or absent: any port.
  std::optional<std::uint16_t> listen_port;
  /// 576 to 65535 when present.
  std::optional<std::uint16_t> mtu;
  std::vector<wg_quick_peer> peers;
  /// What was ignored or may surprise: DNS, PostUp, an allowed IP moved between peers, a key
  /// file readable by others. For the caller to print; none of them stops the configuration.
  std::vector<wg_quick_diagnostic> notices;
  /// The line of `[Interface]`.
  int interface_line = 0;

  /// Returns whether every key is present: the private key and each named preshared key file
  /// have been read (always true after load_wg_quick succeeded).
  bool keys_complete() const noexcept;
};

/// A configuration or why there is none.
using wg_quick_result = std::variant<wg_quick_config, wg_quick_error>;

/// Parses the text of a wg-quick file; `file_name` only labels messages. Pure, never throws
/// on any input (fuzzed). Requires [Interface] with PrivateKey or PrivateKeyFile, and a
/// PublicKey in every [Peer], each different and none our own.
wg_quick_result parse_wg_quick(std::string_view text, std::string_view file_name);

/// Sets `config.private_key` from `contents`, the text of the file `config.private_key_file`
/// names: a base64 key with optional surrounding whitespace (`wg genkey > key`). `file_name` is
/// the configuration file's, for messages. Errors leave `config` unchanged. Pure.
/// @pre config.private_key_file is set.
std::optional<wg_quick_error> set_private_key_from_file(wg_quick_config& config,
                                                        std::string_view contents,
                                                        std::string_view file_name);

/// As set_private_key_from_file(), for the PresharedKeyFile of `config.peers[peer]`.
/// @pre peer < config.peers.size() and that peer's preshared_key_file is set.
std::optional<wg_quick_error> set_preshared_key_from_file(wg_quick_config& config, std::size_t peer,
                                                          std::string_view contents,
                                                          std::string_view file_name);

/// Returns the endpoint settings of `config`: its MTU, or wg-quick's default 1420.
endpoint_config to_endpoint_config(const wg_quick_config& config);

/// Returns the endpoint's peer settings for `peer`. The UDP endpoint is `resolved` when given,
/// else the Endpoint when it is an IP literal, else none (learnt when the peer calls in).
/// Returns nullopt when the Endpoint is a host name and `resolved` is not given (resolve
/// `peer.endpoint->host` first), or when a PresharedKeyFile has not been read.
std::optional<peer_config> to_peer_config(const wg_quick_peer& peer,
                                          std::optional<udp_address> resolved = std::nullopt);

// -- file loading: the one function of this module with I/O (wg_quick_file.cpp) ---------------

/// Reads the configuration file at `path`, parses it, and reads the PrivateKeyFile and any
/// PresharedKeyFile (relative paths from the configuration's directory). Adds a notice for
/// each of these files that its group or others may access, as wg-quick warns about a world
/// accessible configuration. Errors name the file: missing, unreadable (with the system's
/// reason, e.g. "Permission denied"), a directory, larger than 1 MiB, or not valid. Never
/// throws; wipes the buffers that held the files' text.
wg_quick_result load_wg_quick(std::string_view path);

} // namespace tsnode::wireguard
