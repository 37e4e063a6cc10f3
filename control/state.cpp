#include "control/state.hpp"

#include <set>

namespace tsnode::control {

namespace {

template <class Private>
bool is_zero(const Private& k) {
  for (auto b : k.raw().bytes())
    if (b != 0)
      return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

} // namespace

node_state generate_state(crypto::random_source& rng) {
  return {crypto::machine_private::generate(rng), crypto::node_private::generate(rng), {}};
}

std::string format_state(const node_state& s) {
  std::string out = "# tsnode node state: secret keys, keep it mode 0600\n";
  out += "format=";
  out += state_format;
  out += "\nmachine_key=" + s.machine.to_text() + "\n";
  out += "node_key=" + s.node.to_text() + "\n";
  if (s.old_node)
    out += "old_node_key=" + s.old_node->to_text() + "\n";
  return out;
}

std::variant<node_state, std::string> parse_state(std::string_view text) {
  if (text.size() > max_state_size)
    return "larger than " + std::to_string(max_state_size) + " bytes";
  std::optional<crypto::machine_private> machine;
  std::optional<crypto::node_private> node;
  std::optional<crypto::node_public> old_node;
  bool format_seen = false;
  std::set<std::string, std::less<>> seen;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    auto line = trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line.front() == '#')
      continue;
    auto where = "line " + std::to_string(line_no) + ": ";
    auto eq = line.find('=');
    if (eq == std::string_view::npos)
      return where + "not a 'name=value' line";
    auto name = trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (!seen.insert(std::string(name)).second)
      return where + std::string(name) + ": given twice";
    auto bad_key = [&](crypto::key_errc e) {
      return where + std::string(name) + ": not a key (" + std::string(crypto::to_string(e)) + ")";
    };
    if (name == "format") {
      if (value != state_format)
        return where + "format: '" + std::string(value) + "' is not '" + std::string(state_format)
               + "'";
      format_seen = true;
    } else if (name == "machine_key") {
      auto k = crypto::machine_private::parse(value);
      if (auto* e = std::get_if<crypto::key_errc>(&k))
        return bad_key(*e);
      machine = std::move(std::get<crypto::machine_private>(k));
      if (is_zero(*machine))
        return where + "machine_key: all zero";
    } else if (name == "node_key") {
      auto k = crypto::node_private::parse(value);
      if (auto* e = std::get_if<crypto::key_errc>(&k))
        return bad_key(*e);
      node = std::move(std::get<crypto::node_private>(k));
      if (is_zero(*node))
        return where + "node_key: all zero";
    } else if (name == "old_node_key") {
      auto k = crypto::node_public::parse(value);
      if (auto* e = std::get_if<crypto::key_errc>(&k))
        return bad_key(*e);
      old_node = std::get<crypto::node_public>(k);
    } else {
      return where + "unknown field '" + std::string(name) + "'";
    }
  }
  if (!format_seen)
    return std::string("no 'format=' line (not a tsnode state file)");
  if (!machine)
    return std::string("no 'machine_key=' line");
  if (!node)
    return std::string("no 'node_key=' line");
  return node_state{std::move(*machine), std::move(*node), old_node};
}

} // namespace tsnode::control
