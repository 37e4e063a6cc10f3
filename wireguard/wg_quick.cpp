#include "wireguard/wg_quick.hpp"

#include <array>
#include <cstdio>
#include <iterator>
#include <map>
#include <utility>

#include "crypto/base64.hpp"

namespace tsnode::wireguard {

namespace {

// -- text helpers ------------------------------------------------------------------------------

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  return true;
}

/// Returns `s` in double quotes for a message: `"` and `\` escaped, control and non-ASCII bytes
/// as \xNN, and anything past 64 bytes cut to "...", so that no input makes a message unwieldy.
std::string quote(std::string_view s) {
  constexpr std::size_t max_shown = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == max_shown) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c > 0x7e) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

/// Parses decimal digits (and nothing else) into a value of at most `max`.
std::optional<unsigned> parse_number(std::string_view s, unsigned max) noexcept {
  if (s.empty())
    return std::nullopt;
  unsigned long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > max)
      return std::nullopt;
  }
  return static_cast<unsigned>(v);
}

/// Splits a comma-separated list into trimmed items; an empty value is an empty list, an empty
/// item in a non-empty list (`a,,b`, `a,`) is nullopt.
std::optional<std::vector<std::string_view>> split_list(std::string_view value) {
  std::vector<std::string_view> out;
  if (value.empty())
    return out;
  for (;;) {
    const auto comma = value.find(',');
    const auto item = trim(value.substr(0, comma));
    if (item.empty())
      return std::nullopt;
    out.push_back(item);
    if (comma == std::string_view::npos)
      return out;
    value.remove_prefix(comma + 1);
  }
}

bool all_zero(const byte_array<32>& b) noexcept {
  std::uint8_t acc = 0;
  for (auto x : b)
    acc |= x;
  return acc == 0;
}

// -- values ------------------------------------------------------------------------------------

/// Parses `addr` or `addr/bits`, keeping the host part.
std::optional<wg_quick_address> parse_address(std::string_view text) noexcept {
  const auto slash = text.find('/');
  const auto ip = ip_address::parse(text.substr(0, slash));
  if (!ip)
    return std::nullopt;
  if (slash == std::string_view::npos)
    return wg_quick_address{*ip, ip->bit_width()};
  const auto bits = parse_number(text.substr(slash + 1), ip->bit_width());
  if (!bits)
    return std::nullopt;
  return wg_quick_address{*ip, static_cast<std::uint8_t>(*bits)};
}

/// Returns whether `s` is a DNS host name (RFC 1123 §2.1 letters, digits and hyphens, plus the
/// underscore some zones use), optionally ending in a dot. A name whose last label is all
/// digits is refused (RFC 3696 §2), so that a mistyped IPv4 address such as 10.0.0.256 is not
/// taken for a name.
bool is_host_name(std::string_view s) noexcept {
  if (!s.empty() && s.back() == '.')
    s.remove_suffix(1);
  if (s.empty() || s.size() > 253)
    return false;
  bool last_all_digits = false;
  for (;;) {
    const auto dot = s.find('.');
    const auto label = s.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    last_all_digits = true;
    for (char c : label) {
      const bool digit = c >= '0' && c <= '9';
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!digit && !letter && c != '-' && c != '_')
        return false;
      last_all_digits = last_all_digits && digit;
    }
    if (dot == std::string_view::npos)
      return !last_all_digits;
    s.remove_prefix(dot + 1);
  }
}

/// Parses `host:port` or `[ipv6]:port`; on failure returns why, after the quoted value.
std::variant<wg_quick_endpoint, std::string> parse_endpoint(std::string_view text) {
  std::string_view host;
  std::string_view port;
  bool bracketed = false;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos)
      return std::string{"has no closing ']'"};
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':')
      return std::string{"has no port (host:port or [IPv6]:port)"};
    port = rest.substr(1);
    bracketed = true;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return std::string{"has no port (host:port or [IPv6]:port)"};
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return std::string{"needs brackets around an IPv6 address: [address]:port"};
  }
  const auto number = parse_number(port, 65535);
  if (!number || *number == 0)
    return std::string{"has no port from 1 to 65535"};
  wg_quick_endpoint out;
  out.host = std::string{host};
  out.port = static_cast<std::uint16_t>(*number);
  if (auto ip = ip_address::parse(host))
    out.address = udp_address{*ip, out.port};
  else if (bracketed)
    return std::string{"has no IP address inside the brackets"};
  else if (!is_host_name(host))
    return std::string{"is not an IP address or host name with a port"};
  return out;
}

/// Decodes a base64 secret key into `out`; returns why not. Never quotes the text. An all-zero
/// private key is refused (wg(8) takes it as "no key"); an all-zero preshared key is what
/// WireGuard uses for "none" anyway (paper §5.2), so it passes.
std::optional<std::string_view> decode_secret(std::string_view text, crypto::key32& out,
                                              bool allow_zero) noexcept {
  if (!crypto::base64_decode_exact(text, out.bytes()))
    return "is not a base64 key of 32 bytes (44 characters ending in \"=\")";
  if (!allow_zero && all_zero(out.bytes()))
    return "is the all-zero key";
  return std::nullopt;
}

/// Returns an error when a peer has the public key of `key`: WireGuard cannot talk to itself,
/// and endpoint::add_peer() would refuse it.
std::optional<wg_quick_error> check_own_key(const std::vector<wg_quick_peer>& peers,
                                            const crypto::node_private& key,
                                            std::string_view file) {
  const auto own = key.public_key();
  for (const auto& p : peers)
    if (p.public_key == own)
      return wg_quick_error{std::string{file}, p.line,
                            "PublicKey: this [Peer] has the interface's own public key"};
  return std::nullopt;
}

// -- keys --------------------------------------------------------------------------------------

enum class section : std::uint8_t { none, interface, peer };

enum class key_id : std::uint8_t {
  private_key,
  private_key_file,
  address,
  listen_port,
  mtu,
  ignored,
  public_key,
  preshared_key,
  preshared_key_file,
  endpoint,
  allowed_ips,
  persistent_keepalive,
};

struct key_spec {
  std::string_view name;
  section where;
  key_id id;
  bool repeatable;
  /// Non-empty for a key accepted and ignored: the notice's reason.
  std::string_view ignored_because;
};

constexpr std::string_view no_scripts = "tsnode runs no scripts";

constexpr key_spec key_specs[] = {
  {"PrivateKey", section::interface, key_id::private_key, false, {}},
  {"PrivateKeyFile", section::interface, key_id::private_key_file, false, {}},
  {"Address", section::interface, key_id::address, true, {}},
  {"ListenPort", section::interface, key_id::listen_port, false, {}},
  {"MTU", section::interface, key_id::mtu, false, {}},
  {"DNS", section::interface, key_id::ignored, true,
   "tsnode leaves the host's resolver alone (tsproxy's --host names stand in)"},
  {"Table", section::interface, key_id::ignored, true, "tsnode installs no routes on the host"},
  {"PreUp", section::interface, key_id::ignored, true, no_scripts},
  {"PostUp", section::interface, key_id::ignored, true, no_scripts},
  {"PreDown", section::interface, key_id::ignored, true, no_scripts},
  {"PostDown", section::interface, key_id::ignored, true, no_scripts},
  {"SaveConfig", section::interface, key_id::ignored, true,
   "tsnode never writes the configuration back"},
  {"FwMark", section::interface, key_id::ignored, true, "tsnode's sockets carry no firewall mark"},
  {"PublicKey", section::peer, key_id::public_key, false, {}},
  {"PresharedKey", section::peer, key_id::preshared_key, false, {}},
  {"PresharedKeyFile", section::peer, key_id::preshared_key_file, false, {}},
  {"Endpoint", section::peer, key_id::endpoint, false, {}},
  {"AllowedIPs", section::peer, key_id::allowed_ips, true, {}},
  {"PersistentKeepalive", section::peer, key_id::persistent_keepalive, false, {}},
};
constexpr std::size_t key_count = std::size(key_specs);

/// Returns the index of key `id` in key_specs (the first, for `ignored`).
constexpr std::size_t index_of(key_id id) noexcept {
  for (std::size_t i = 0; i < key_count; ++i)
    if (key_specs[i].id == id)
      return i;
  return key_count;
}

const key_spec* find_key(std::string_view name) noexcept {
  for (const auto& k : key_specs)
    if (iequals(k.name, name))
      return &k;
  return nullptr;
}

// -- the parser --------------------------------------------------------------------------------

/// Line-by-line state of parse_wg_quick().
class parser {
public:
  explicit parser(std::string_view file)
    : file_(file) {
    // nop
  }

  /// Consumes line `n`; returns an error to stop at.
  std::optional<wg_quick_error> feed(int n, std::string_view raw) {
    // wg(8) ends a line's content at '#'; INI files also use ';'. No value may hold either.
    const auto comment = raw.find_first_of("#;");
    const auto line = trim(raw.substr(0, comment));
    if (line.empty())
      return std::nullopt;
    if (line.front() == '[')
      return open_section(n, line);
    const auto eq = line.find('=');
    const auto name = eq == std::string_view::npos ? line : trim(line.substr(0, eq));
    if (eq == std::string_view::npos || name.empty())
      return at(n, quote(line) + " is not \"Key = Value\"");
    const auto value = trim(line.substr(eq + 1));
    const key_spec* k = find_key(name);
    if (section_ == section::none)
      return at(n, quote(name) + " comes before any section: start with [Interface]");
    if (!k)
      return at(n, "unknown key " + quote(name) + " in "
                     + (section_ == section::interface ? "[Interface]" : "[Peer]"));
    if (k->where != section_)
      return at(n, std::string{k->name} + " belongs in "
                     + (k->where == section::interface ? "[Interface]" : "a [Peer] section"));
    auto& seen = seen_[static_cast<std::size_t>(k - key_specs)];
    if (!k->repeatable && seen != 0)
      return at(n, std::string{k->name} + " is given twice (first on line " + std::to_string(seen)
                     + ")");
    seen = n;
    return set(n, *k, value);
  }

  /// Ends the input: checks what is required and returns the configuration.
  wg_quick_result finish() {
    if (auto e = close_section())
      return *e;
    if (cfg_.interface_line == 0)
      return at(0, "has no [Interface] section");
    if (!cfg_.private_key && !cfg_.private_key_file)
      return at(cfg_.interface_line, "[Interface] has no PrivateKey (or PrivateKeyFile)");
    if (cfg_.private_key)
      if (auto e = check_own_key(cfg_.peers, *cfg_.private_key, file_))
        return *e;
    return std::move(cfg_);
  }

private:
  /// Returns a diagnostic (an error or a notice) about `line`.
  wg_quick_diagnostic at(int line, std::string message) const {
    return {std::string{file_}, line, std::move(message)};
  }

  std::optional<wg_quick_error> open_section(int n, std::string_view line) {
    if (line.back() != ']')
      return at(n, quote(line) + " is not a section header such as [Peer]");
    const auto name = trim(line.substr(1, line.size() - 2));
    if (auto e = close_section())
      return e;
    seen_.fill(0);
    if (iequals(name, "Interface")) {
      if (cfg_.interface_line != 0)
        return at(n, "a second [Interface] section (the first is on line "
                       + std::to_string(cfg_.interface_line) + ")");
      section_ = section::interface;
      cfg_.interface_line = n;
      return std::nullopt;
    }
    if (iequals(name, "Peer")) {
      section_ = section::peer;
      cfg_.peers.emplace_back().line = n;
      return std::nullopt;
    }
    return at(n, "unknown section " + quote(line) + ": a wg-quick file has [Interface] and [Peer]");
  }

  /// Checks the section being left.
  std::optional<wg_quick_error> close_section() const {
    if (section_ == section::peer && seen_[index_of(key_id::public_key)] == 0)
      return at(cfg_.peers.back().line, "[Peer] has no PublicKey");
    return std::nullopt;
  }

  /// Returns an error when key `other` was given in this section too: the two exclude each other.
  std::optional<wg_quick_error> exclusive(int n, const key_spec& k, key_id other) const {
    const auto i = index_of(other);
    if (seen_[i] == 0)
      return std::nullopt;
    return at(n, std::string{k.name} + " and " + std::string{key_specs[i].name} + " (line "
                   + std::to_string(seen_[i]) + ") exclude each other");
  }

  std::optional<wg_quick_error> set(int n, const key_spec& k, std::string_view value) {
    const std::string key{k.name};
    switch (k.id) {
      case key_id::ignored:
        cfg_.notices.push_back(at(n, key + " ignored: " + std::string{k.ignored_because}));
        return std::nullopt;
      case key_id::private_key: {
        if (auto e = exclusive(n, k, key_id::private_key_file))
          return e;
        crypto::key32 raw;
        if (auto why = decode_secret(value, raw, false))
          return at(n, key + ": the value " + std::string{*why});
        cfg_.private_key.emplace(raw.bytes());
        return std::nullopt;
      }
      case key_id::private_key_file:
        if (auto e = exclusive(n, k, key_id::private_key))
          return e;
        if (value.empty())
          return at(n, key + " has no path");
        cfg_.private_key_file = wg_quick_key_file{std::string{value}, n};
        return std::nullopt;
      case key_id::address:
        return set_addresses(n, value);
      case key_id::listen_port: {
        auto port = parse_number(value, 65535);
        if (!port)
          return at(n, key + ": " + quote(value) + " is not a port number (0 to 65535)");
        cfg_.listen_port = static_cast<std::uint16_t>(*port);
        return std::nullopt;
      }
      case key_id::mtu: {
        auto mtu = parse_number(value, 65535);
        // RFC 791: every IPv4 host takes 576-byte datagrams; below that nothing works well.
        if (!mtu || *mtu < 576)
          return at(n, key + ": " + quote(value) + " is not a number from 576 to 65535");
        cfg_.mtu = static_cast<std::uint16_t>(*mtu);
        return std::nullopt;
      }
      case key_id::public_key:
        return set_public_key(n, value);
      case key_id::preshared_key: {
        if (auto e = exclusive(n, k, key_id::preshared_key_file))
          return e;
        crypto::key32 raw;
        if (auto why = decode_secret(value, raw, true))
          return at(n, key + ": the value " + std::string{*why});
        cfg_.peers.back().preshared_key = std::move(raw);
        return std::nullopt;
      }
      case key_id::preshared_key_file:
        if (auto e = exclusive(n, k, key_id::preshared_key))
          return e;
        if (value.empty())
          return at(n, key + " has no path");
        cfg_.peers.back().preshared_key_file = wg_quick_key_file{std::string{value}, n};
        return std::nullopt;
      case key_id::endpoint: {
        auto r = parse_endpoint(value);
        if (auto* why = std::get_if<std::string>(&r))
          return at(n, key + ": " + quote(value) + " " + *why);
        cfg_.peers.back().endpoint = std::move(std::get<wg_quick_endpoint>(r));
        return std::nullopt;
      }
      case key_id::allowed_ips:
        return set_allowed_ips(n, value);
      case key_id::persistent_keepalive: {
        auto secs = iequals(value, "off") ? std::optional<unsigned>{0} : parse_number(value, 65535);
        if (!secs)
          return at(n, key + ": " + quote(value)
                         + " is not \"off\" or a number of seconds from 0 to 65535");
        cfg_.peers.back().persistent_keepalive = static_cast<std::uint16_t>(*secs);
        return std::nullopt;
      }
    }
    return at(n, "internal error: unhandled key " + key);
  }

  std::optional<wg_quick_error> set_addresses(int n, std::string_view value) {
    auto items = split_list(value);
    if (!items)
      return at(n, "Address: " + quote(value) + " has an empty entry");
    for (auto item : *items) {
      auto a = parse_address(item);
      if (!a)
        return at(n, "Address: " + quote(item)
                       + " is not an IP address with an optional "
                         "/prefix length");
      bool known = false;
      for (const auto& b : cfg_.addresses)
        known = known || b == *a;
      if (!known)
        cfg_.addresses.push_back(*a);
    }
    return std::nullopt;
  }

  std::optional<wg_quick_error> set_public_key(int n, std::string_view value) {
    auto bytes = crypto::key_from_base64(value);
    if (!bytes)
      return at(n, "PublicKey: " + quote(value)
                     + " is not a base64 key of 32 bytes (44 characters ending in \"=\")");
    if (all_zero(*bytes))
      return at(n, "PublicKey: the all-zero key is not a public key");
    auto& p = cfg_.peers.back();
    p.public_key = crypto::node_public{*bytes};
    auto [it, fresh] = key_lines_.emplace(p.public_key, p.line);
    if (!fresh)
      return at(n, "PublicKey: the [Peer] on line " + std::to_string(it->second)
                     + " has this key already");
    return std::nullopt;
  }

  std::optional<wg_quick_error> set_allowed_ips(int n, std::string_view value) {
    auto items = split_list(value);
    if (!items)
      return at(n, "AllowedIPs: " + quote(value) + " has an empty entry");
    auto& p = cfg_.peers.back();
    for (auto item : *items) {
      auto prefix = ip_prefix::parse(item);
      if (!prefix)
        return at(n, "AllowedIPs: " + quote(item) + " is not an IP prefix");
      auto [it, fresh] = owners_.emplace(*prefix, p.line);
      if (!fresh && it->second == p.line)
        continue; // listed twice for the same peer
      if (!fresh) {
        // wg(8), Linux allowedips.c and our allowed_ips: a prefix inserted for another peer
        // moves to it.
        cfg_.notices.push_back(
          at(n, "AllowedIPs: " + prefix->to_string() + " is also in the [Peer] on line "
                  + std::to_string(it->second) + "; this later peer takes it, as in wg(8)"));
        it->second = p.line;
      }
      p.allowed_ips.push_back(*prefix);
    }
    return std::nullopt;
  }

  std::string_view file_;
  section section_ = section::none;
  /// The line of each key in the current section; 0: not seen.
  std::array<int, key_count> seen_{};
  wg_quick_config cfg_;
  /// Public key -> line of its [Peer].
  std::map<crypto::node_public, int> key_lines_;
  /// Allowed-IP prefix -> line of the [Peer] that holds it last.
  std::map<ip_prefix, int> owners_;
};

/// The shared body of set_private_key_from_file() and set_preshared_key_from_file(): decodes
/// the trimmed `contents` of `file` into `out`.
std::optional<wg_quick_error> decode_key_file(std::string_view what, const wg_quick_key_file& file,
                                              std::string_view contents, std::string_view config,
                                              crypto::key32& out, bool allow_zero) {
  if (auto why = decode_secret(trim(contents), out, allow_zero))
    return wg_quick_error{std::string{config}, file.line,
                          std::string{what} + ": the content of " + quote(file.path) + " "
                            + std::string{*why}};
  return std::nullopt;
}

} // namespace

// -- value types -------------------------------------------------------------------------------

std::string wg_quick_diagnostic::to_string() const {
  if (line == 0)
    return file + ": " + message;
  return file + ":" + std::to_string(line) + ": " + message;
}

ip_prefix wg_quick_address::network() const {
  auto p = ip_prefix::make(address, bits);
  return p ? *p : ip_prefix{address, bits};
}

std::string wg_quick_address::to_string() const {
  return address.to_string() + "/" + std::to_string(bits);
}

std::string wg_quick_endpoint::to_string() const {
  if (host.find(':') != std::string::npos)
    return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

bool wg_quick_config::keys_complete() const noexcept {
  if (!private_key)
    return false;
  for (const auto& p : peers)
    if (p.preshared_key_file && !p.preshared_key)
      return false;
  return true;
}

// -- parsing -----------------------------------------------------------------------------------

wg_quick_result parse_wg_quick(std::string_view text, std::string_view file_name) {
  constexpr std::string_view bom = "\xef\xbb\xbf";
  if (text.substr(0, bom.size()) == bom)
    text.remove_prefix(bom.size());
  parser p{file_name};
  int n = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    ++n;
    if (auto e = p.feed(n, text.substr(0, end)))
      return *e;
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
  return p.finish();
}

std::optional<wg_quick_error> set_private_key_from_file(wg_quick_config& config,
                                                        std::string_view contents,
                                                        std::string_view file_name) {
  crypto::key32 raw;
  if (auto e = decode_key_file("PrivateKeyFile", *config.private_key_file, contents, file_name, raw,
                               false))
    return e;
  crypto::node_private key{raw.bytes()};
  if (auto e = check_own_key(config.peers, key, file_name))
    return e;
  config.private_key = std::move(key);
  return std::nullopt;
}

std::optional<wg_quick_error> set_preshared_key_from_file(wg_quick_config& config, std::size_t peer,
                                                          std::string_view contents,
                                                          std::string_view file_name) {
  auto& p = config.peers[peer];
  crypto::key32 raw;
  if (auto e
      = decode_key_file("PresharedKeyFile", *p.preshared_key_file, contents, file_name, raw, true))
    return e;
  p.preshared_key = std::move(raw);
  return std::nullopt;
}

// -- conversion --------------------------------------------------------------------------------

endpoint_config to_endpoint_config(const wg_quick_config& config) {
  endpoint_config out;
  if (config.mtu)
    out.mtu = *config.mtu;
  return out;
}

std::optional<peer_config> to_peer_config(const wg_quick_peer& peer,
                                          std::optional<udp_address> resolved) {
  if (peer.preshared_key_file && !peer.preshared_key)
    return std::nullopt;
  peer_config out;
  if (resolved) {
    out.endpoint = *resolved;
  } else if (peer.endpoint) {
    if (!peer.endpoint->address)
      return std::nullopt;
    out.endpoint = peer.endpoint->address;
  }
  out.public_key = peer.public_key;
  if (peer.preshared_key)
    out.preshared_key = peer.preshared_key->clone();
  out.allowed_ips = peer.allowed_ips;
  out.persistent_keepalive = seconds{peer.persistent_keepalive};
  return out;
}

} // namespace tsnode::wireguard
