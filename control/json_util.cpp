#include "control/json_util.hpp"

namespace tsnode::control::detail {

std::string json_path::str() const {
  std::string out;
  if (parent)
    out = parent->str();
  if (index >= 0) {
    out += '[';
    out += std::to_string(index);
    out += ']';
  } else if (!key.empty()) {
    if (!out.empty())
      out += '.';
    out += key;
  }
  return out;
}

void fail(control_errc code, const json_path& p, std::string_view what) {
  auto where = p.str();
  if (where.empty())
    where = "(top)";
  throw field_error{code, where + ": " + std::string{what}};
}

bool depth_ok(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

std::variant<json, control_error> parse_object(std::string_view text, std::size_t max_depth) {
  if (!depth_ok(text, max_depth))
    return control_error{control_errc::bad_json, "nested too deeply"};
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded())
    return control_error{control_errc::bad_json, "not JSON"};
  if (!j.is_object())
    return control_error{control_errc::bad_json, "not a JSON object"};
  return j;
}

const json* find(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return nullptr;
  return &*it;
}

void expect_object(const json& j, const json_path& p) {
  if (!j.is_object())
    fail(control_errc::bad_field, p, "not an object");
}

std::string as_string(const json& j, const json_path& p) {
  if (!j.is_string())
    fail(control_errc::bad_field, p, "not a string");
  return j.get_ref<const std::string&>();
}

bool as_bool(const json& j, const json_path& p) {
  if (!j.is_boolean())
    fail(control_errc::bad_field, p, "not a boolean");
  return j.get<bool>();
}

std::int64_t as_int(const json& j, const json_path& p, std::int64_t min, std::int64_t max) {
  std::int64_t v = 0;
  if (j.is_number_unsigned()) {
    auto u = j.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      fail(control_errc::bad_field, p, "integer out of range");
    v = static_cast<std::int64_t>(u);
  } else if (j.is_number_integer()) {
    v = j.get<std::int64_t>();
  } else {
    fail(control_errc::bad_field, p, "not an integer");
  }
  if (v < min || v > max)
    fail(control_errc::bad_field, p, "integer out of range");
  return v;
}

double as_double(const json& j, const json_path& p) {
  if (!j.is_number())
    fail(control_errc::bad_field, p, "not a number");
  return j.get<double>();
}

std::int64_t as_int_key(std::string_view key, const json_path& p) {
  auto pk = p.child(key);
  std::string_view s = key;
  bool neg = !s.empty() && s[0] == '-';
  if (neg || (!s.empty() && s[0] == '+'))
    s.remove_prefix(1);
  if (s.empty() || s.size() > 19)
    fail(control_errc::bad_field, pk, "not a decimal key");
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      fail(control_errc::bad_field, pk, "not a decimal key");
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    fail(control_errc::bad_field, pk, "key out of range");
  auto out = static_cast<std::int64_t>(v);
  return neg ? -out : out;
}

wall_time as_time(const json& j, const json_path& p) {
  auto t = parse_rfc3339(as_string(j, p));
  if (!t)
    fail(control_errc::bad_field, p, "not an RFC 3339 time");
  return *t;
}

ip_prefix as_prefix(const json& j, const json_path& p) {
  auto r = ip_prefix::parse(as_string(j, p));
  if (!r)
    fail(control_errc::bad_field, p, "not an IP prefix");
  return *r;
}

ip_port as_ip_port(const json& j, const json_path& p) {
  auto r = ip_port::parse(as_string(j, p));
  if (!r)
    fail(control_errc::bad_field, p, "not an ip:port");
  return *r;
}

std::string get_string(const json& obj, std::string_view key, const json_path& p) {
  auto* v = find(obj, key);
  return v ? as_string(*v, p.child(key)) : std::string{};
}

bool get_bool(const json& obj, std::string_view key, const json_path& p) {
  auto* v = find(obj, key);
  return v ? as_bool(*v, p.child(key)) : false;
}

std::int64_t get_int(const json& obj, std::string_view key, const json_path& p, std::int64_t min,
                     std::int64_t max) {
  auto* v = find(obj, key);
  return v ? as_int(*v, p.child(key), min, max) : 0;
}

int get_int32(const json& obj, std::string_view key, const json_path& p) {
  return static_cast<int>(
    get_int(obj, key, p, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

double get_double(const json& obj, std::string_view key, const json_path& p) {
  auto* v = find(obj, key);
  return v ? as_double(*v, p.child(key)) : 0.0;
}

std::optional<wall_time> get_time(const json& obj, std::string_view key, const json_path& p) {
  auto* v = find(obj, key);
  if (!v)
    return std::nullopt;
  auto t = as_time(*v, p.child(key));
  if (t == go_zero_time)
    return std::nullopt;
  return t;
}

std::vector<std::string> get_strings(const json& obj, std::string_view key, const json_path& p) {
  std::vector<std::string> out;
  for_each(obj, key, p,
           [&](const json& e, const json_path& pe) { out.push_back(as_string(e, pe)); });
  return out;
}

std::vector<int> get_ints(const json& obj, std::string_view key, const json_path& p) {
  std::vector<int> out;
  for_each(obj, key, p, [&](const json& e, const json_path& pe) {
    out.push_back(static_cast<int>(
      as_int(e, pe, std::numeric_limits<int>::min(), std::numeric_limits<int>::max())));
  });
  return out;
}

std::vector<ip_prefix> get_prefixes(const json& obj, std::string_view key, const json_path& p) {
  std::vector<ip_prefix> out;
  for_each(obj, key, p,
           [&](const json& e, const json_path& pe) { out.push_back(as_prefix(e, pe)); });
  return out;
}

std::vector<ip_port> get_ip_ports(const json& obj, std::string_view key, const json_path& p) {
  std::vector<ip_port> out;
  for_each(obj, key, p,
           [&](const json& e, const json_path& pe) { out.push_back(as_ip_port(e, pe)); });
  return out;
}

} // namespace tsnode::control::detail
