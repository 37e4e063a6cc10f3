#pragma once
/// @file
/// tsproxy's command line. Pure: argv in, options or an error message out.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tsnode::tools {

enum class command { run, status, help, version, self_check };

struct options {
  command cmd = command::run;
  // -- run ----------------------------------------------------------------------------------
  std::string wg_config;
  // Tailnet mode (instead of --wg-config).
  std::string control_url;                 ///< --control-url / --login-server
  std::optional<std::string> authkey;      ///< --authkey (TS_AUTHKEY is read by run)
  std::optional<std::string> authkey_file; ///< --authkey-file
  std::optional<std::string> hostname;     ///< default: the host's name
  std::optional<std::string> state_dir;    ///< default: see default_state_dir()
  bool ephemeral = false;
  int up_timeout_seconds = 0; ///< 0: wait for the first netmap without limit
  std::map<std::string, std::vector<std::string>> hosts; ///< --host NAME=IP (repeatable)
  std::string listen_ip = "127.0.0.1";
  std::uint16_t listen_port = 0;
  std::optional<std::string> listen_unix;
  std::optional<std::string> credential_file;
  std::size_t max_conns = 256;
  std::string log_level = "info";
  std::optional<std::string> status_socket; ///< default: see default_status_socket()
  int grace_seconds = 10;
  int handshake_timeout_seconds = 30;
  int dial_timeout_seconds = 15;
  // -- status -------------------------------------------------------------------------------
  bool json = false;
};

/// Returns the parsed options, or a message naming the problem (for exit status 2).
std::variant<options, std::string> parse_options(const std::vector<std::string>& args);

/// Returns the status socket path used when --status-socket is not given:
/// $XDG_RUNTIME_DIR/tsproxy.sock, else /run/tsproxy.sock for root, else /tmp/tsproxy-UID.sock.
std::string default_status_socket();

/// Returns the state directory used when --state-dir is not given: $STATE_DIRECTORY (systemd),
/// else /var/lib/tsproxy for root, else $XDG_STATE_HOME/tsproxy, else ~/.local/state/tsproxy.
std::string default_state_dir();

/// The --help text.
extern const char* const usage_text;

} // namespace tsnode::tools
