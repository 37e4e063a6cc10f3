#pragma once
/// @file
/// Internal (not installed, included only by control/*.cpp): typed field access over
/// nlohmann::json with Go encoding/json's rules for the tailcfg types: an absent field or JSON
/// null leaves the zero value; a wrong JSON type is an error; integers must be integral and in
/// range; key strings go through crypto's text parsers, "" being an error (trap #9). Errors are
/// thrown as field_error inside a decode and turned into a control_error at its entry point, so
/// no exception leaves control/.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/errors.hpp"
#include "control/ip.hpp"
#include "control/wall_time.hpp"
#include "crypto/keys.hpp"

namespace tsnode::control::detail {

using json = nlohmann::json;

/// Where a value sits in the document, built on the stack and printed only on error.
struct json_path {
  const json_path* parent = nullptr;
  std::string_view key;
  std::ptrdiff_t index = -1;

  json_path child(std::string_view k) const { return json_path{this, k, -1}; }
  json_path at(std::size_t i) const { return json_path{this, {}, static_cast<std::ptrdiff_t>(i)}; }
  std::string str() const;
};

/// Thrown inside a decode; caught at its entry point.
struct field_error {
  control_errc code;
  std::string detail;
};

[[noreturn]] void fail(control_errc code, const json_path& p, std::string_view what);

/// Returns whether the nesting of arrays and objects in `text` stays within `max_depth`
/// (strings and escapes skipped): checked before parsing, as the DOM's destructor recurses.
bool depth_ok(std::string_view text, std::size_t max_depth);

/// Parses `text` into an object, or returns bad_json.
std::variant<json, control_error> parse_object(std::string_view text, std::size_t max_depth);

/// Returns the member, or nullptr when it is absent or JSON null.
const json* find(const json& obj, std::string_view key);

void expect_object(const json& j, const json_path& p);
std::string as_string(const json& j, const json_path& p);
bool as_bool(const json& j, const json_path& p);
std::int64_t as_int(const json& j, const json_path& p,
                    std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                    std::int64_t max = std::numeric_limits<std::int64_t>::max());
double as_double(const json& j, const json_path& p);
/// Parses a decimal map key (Go map[int]… and map[NodeID]… keys).
std::int64_t as_int_key(std::string_view key, const json_path& p);
/// Parses a time; Go's zero time is returned as go_zero_time.
wall_time as_time(const json& j, const json_path& p);
ip_prefix as_prefix(const json& j, const json_path& p);
ip_port as_ip_port(const json& j, const json_path& p);

std::string get_string(const json& obj, std::string_view key, const json_path& p);
bool get_bool(const json& obj, std::string_view key, const json_path& p);
std::int64_t get_int(const json& obj, std::string_view key, const json_path& p,
                     std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                     std::int64_t max = std::numeric_limits<std::int64_t>::max());
int get_int32(const json& obj, std::string_view key, const json_path& p);
double get_double(const json& obj, std::string_view key, const json_path& p);
/// Returns the time, or nullopt when absent, null or Go's zero time.
std::optional<wall_time> get_time(const json& obj, std::string_view key, const json_path& p);
std::vector<std::string> get_strings(const json& obj, std::string_view key, const json_path& p);
std::vector<int> get_ints(const json& obj, std::string_view key, const json_path& p);
std::vector<ip_prefix> get_prefixes(const json& obj, std::string_view key, const json_path& p);
std::vector<ip_port> get_ip_ports(const json& obj, std::string_view key, const json_path& p);

/// Calls f(element, path) for each element of the array member (absent/null: none).
template <class F>
void for_each(const json& obj, std::string_view key, const json_path& p, F&& f) {
  auto* a = find(obj, key);
  if (!a)
    return;
  auto pk = p.child(key);
  if (!a->is_array())
    fail(control_errc::bad_field, pk, "not an array");
  std::size_t i = 0;
  for (auto& e : *a) {
    f(e, pk.at(i));
    ++i;
  }
}

/// Returns the parsed key, or nullopt when absent or null. "" and malformed text are bad_key.
template <class Key>
std::optional<Key> get_key(const json& obj, std::string_view key, const json_path& p) {
  auto* v = find(obj, key);
  if (!v)
    return std::nullopt;
  auto pk = p.child(key);
  if (!v->is_string())
    fail(control_errc::bad_field, pk, "not a string");
  auto r = Key::parse(v->get_ref<const std::string&>());
  if (auto* e = std::get_if<crypto::key_errc>(&r))
    fail(control_errc::bad_key, pk, crypto::to_string(*e));
  return std::get<Key>(r);
}

} // namespace tsnode::control::detail
