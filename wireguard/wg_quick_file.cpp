// load_wg_quick(): the file-reading shell around the pure parser in wg_quick.cpp, and the only
// I/O of wireguard/. Everything it decides besides reading goes through the pure functions.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "crypto/secret.hpp"
#include "wireguard/wg_quick.hpp"

namespace tsnode::wireguard {

namespace {

namespace fs = std::filesystem;

/// Larger than any configuration or key file; reading stops there.
constexpr std::size_t max_file_size = std::size_t{1} << 20;

/// The text of a file, wiped when it goes: it may hold keys.
struct file_text {
  std::string text;
  /// Empty when the file was read; otherwise why not, e.g. "No such file or directory".
  std::string error;
  /// Whether its group or others have any access to it.
  bool shared = false;

  file_text() = default;
  file_text(const file_text&) = delete;
  file_text& operator=(const file_text&) = delete;
  ~file_text() { crypto::wipe(text.data(), text.size()); }
};

/// Reads the whole file at `path`, up to max_file_size bytes. FIFOs such as bash's
/// `<(echo KEY)` work too; directories do not.
void read_file(const fs::path& path, file_text& out) {
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec) {
    out.error = ec.message();
    return;
  }
  if (fs::is_directory(st)) {
    out.error = "is a directory";
    return;
  }
  out.shared
    = (st.permissions() & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none;
  errno = 0;
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    out.error = errno != 0 ? std::generic_category().message(errno) : "cannot be opened";
    return;
  }
  // One allocation up front, so that no reallocation leaves copies of a key in freed memory.
  out.text.resize(max_file_size + 1);
  in.read(out.text.data(), static_cast<std::streamsize>(out.text.size()));
  const auto n = static_cast<std::size_t>(in.gcount());
  if (in.bad()) {
    out.error = "cannot be read";
    return;
  }
  if (n > max_file_size) {
    out.error = "is larger than 1 MiB";
    return;
  }
  crypto::wipe(out.text.data() + n, out.text.size() - n);
  out.text.resize(n);
}

/// Returns the notice for a file of keys or configuration that others may read.
std::string shared_notice(const fs::path& path) {
  std::error_code ec;
  const auto mode = static_cast<unsigned>(fs::status(path, ec).permissions() & fs::perms::mask);
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", mode);
  return std::string{"group or others may access it (mode "} + octal
         + "): keep key material private with chmod 600";
}

/// Reads a key file named in the configuration `config` and hands its text to `set`.
template <class Set>
std::optional<wg_quick_error> load_key_file(std::string_view what, const wg_quick_key_file& key,
                                            const std::string& config, wg_quick_config& cfg,
                                            Set set) {
  const auto path = fs::path{config}.parent_path() / key.path;
  file_text f;
  read_file(path, f);
  const std::string label = std::string{what} + ": \"" + path.string() + "\"";
  if (!f.error.empty())
    return wg_quick_error{config, key.line, label + ": " + f.error};
  if (auto e = set(f.text))
    return e;
  if (f.shared)
    cfg.notices.push_back({config, key.line, label + ": " + shared_notice(path)});
  return std::nullopt;
}

} // namespace

wg_quick_result load_wg_quick(std::string_view path) {
  const std::string config{path};
  file_text f;
  read_file(fs::path{config}, f);
  if (!f.error.empty())
    return wg_quick_error{config, 0, f.error};
  auto result = parse_wg_quick(f.text, config);
  auto* cfg = std::get_if<wg_quick_config>(&result);
  if (!cfg)
    return result;
  if (f.shared)
    cfg->notices.insert(cfg->notices.begin(), {config, 0, shared_notice(fs::path{config})});
  if (cfg->private_key_file) {
    auto e = load_key_file(
      "PrivateKeyFile", *cfg->private_key_file, config, *cfg,
      [&](std::string_view text) { return set_private_key_from_file(*cfg, text, config); });
    if (e)
      return *e;
  }
  for (std::size_t i = 0; i < cfg->peers.size(); ++i) {
    if (!cfg->peers[i].preshared_key_file)
      continue;
    auto e = load_key_file(
      "PresharedKeyFile", *cfg->peers[i].preshared_key_file, config, *cfg,
      [&](std::string_view text) { return set_preshared_key_from_file(*cfg, i, text, config); });
    if (e)
      return *e;
  }
  return result;
}

} // namespace tsnode::wireguard
