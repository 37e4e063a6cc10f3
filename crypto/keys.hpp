#pragma once
/// @file
/// Typed Curve25519 keys of a Tailscale node and their text forms (tailscale-protocol.md §1):
/// private keys `privkey:` + 64 hex; public keys `nodekey:`, `mkey:` or `discokey:` + 64 hex.
/// Parsing accepts either hex case and requires the exact prefix and exactly 64 digits; output
/// is lowercase. All-zero keys parse (Go marshals them too). Private keys wipe themselves.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "crypto/bytes.hpp"
#include "crypto/random.hpp"
#include "crypto/secret.hpp"
#include "crypto/x25519.hpp"

namespace tsnode::crypto {

/// Why a key text did not parse.
enum class key_errc : std::uint8_t {
  bad_prefix = 1, ///< the text does not start with the expected prefix
  bad_length,     ///< not exactly 64 hex digits after the prefix
  bad_hex,        ///< a character that is not a hex digit
};

/// Returns a short English description of `x`.
std::string_view to_string(key_errc x) noexcept;

namespace detail {
std::variant<byte_array<32>, key_errc> parse_key_text(std::string_view text,
                                                      std::string_view prefix);
std::string key_text(std::string_view prefix, const byte_array<32>& bytes);
} // namespace detail

/// A public key of one kind (node, machine, disco), tagged so the kinds never mix.
template <class Tag>
struct public_key {
  static constexpr std::string_view prefix = Tag::prefix;
  byte_array<32> bytes{};

  /// Returns the text form, e.g. `nodekey:50d2…f765`.
  std::string to_text() const { return detail::key_text(prefix, bytes); }
  /// Parses the text form.
  static std::variant<public_key, key_errc> parse(std::string_view text) {
    auto r = detail::parse_key_text(text, prefix);
    if (auto* e = std::get_if<key_errc>(&r))
      return *e;
    return public_key{std::get<byte_array<32>>(r)};
  }
  bool is_zero() const noexcept {
    for (auto b : bytes)
      if (b != 0)
        return false;
    return true;
  }
  friend auto operator<=>(const public_key&, const public_key&) = default;
};

/// A private key whose public half is of type Public. Move-only; wiped on destruction.
template <class Public>
class private_key {
public:
  static constexpr std::string_view prefix = "privkey:";

  private_key() = default;
  /// Takes raw scalar bytes as they are (no clamping: X25519 clamps anyway).
  explicit private_key(const byte_array<32>& raw)
    : key_(raw) {
    // nop
  }
  /// Returns a fresh clamped key from `rng` (Go's key.NewNode/NewMachine/NewDisco).
  static private_key generate(random_source& rng) {
    byte_array<32> b;
    rng.fill(b);
    clamp(b);
    private_key out{b};
    wipe(b.data(), b.size());
    return out;
  }
  /// Parses `privkey:` + 64 hex digits.
  static std::variant<private_key, key_errc> parse(std::string_view text) {
    auto r = detail::parse_key_text(text, prefix);
    if (auto* e = std::get_if<key_errc>(&r))
      return *e;
    auto& raw = std::get<byte_array<32>>(r);
    private_key out{raw};
    wipe(raw.data(), raw.size());
    return out;
  }
  /// Returns the text form `privkey:` + lowercase hex. Handle with care: it is the secret.
  std::string to_text() const { return detail::key_text(prefix, key_.bytes()); }
  /// Returns the public key X25519(this, 9).
  Public public_key() const { return Public{derive_public(key_)}; }
  const secret<32>& raw() const noexcept { return key_; }
  private_key clone() const { return private_key{key_.bytes()}; }

private:
  static void clamp(byte_array<32>& b) noexcept { x25519_clamp(b); }
  static byte_array<32> derive_public(const secret<32>& k) noexcept { return x25519_public(k); }
  secret<32> key_;
};

struct node_tag {
  static constexpr std::string_view prefix = "nodekey:";
};
struct machine_tag {
  static constexpr std::string_view prefix = "mkey:";
};
struct disco_tag {
  static constexpr std::string_view prefix = "discokey:";
};

/// The WireGuard static key of a node, and its identity on DERP.
using node_public = public_key<node_tag>;
/// The device identity toward control (ts2021 static key).
using machine_public = public_key<machine_tag>;
/// The NaCl box key of disco messages; Go makes a fresh one each start.
using disco_public = public_key<disco_tag>;

using node_private = private_key<node_public>;
using machine_private = private_key<machine_public>;
using disco_private = private_key<disco_public>;

} // namespace tsnode::crypto
