#include "control/requests.hpp"

#include <nlohmann/json.hpp>

#include "control/json_util.hpp"

namespace tsnode::control {

using namespace detail;

namespace {

using ordered = nlohmann::ordered_json;

/// Serialises without throwing: invalid UTF-8 in caller strings is replaced, not an exception.
std::string dump(const ordered& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ordered hostinfo_json(const hostinfo& h) {
  // Go marshals Hostinfo fields with omitzero/omitempty: only what is set goes out.
  ordered j = ordered::object();
  auto put = [&](const char* k, const std::string& v) {
    if (!v.empty())
      j[k] = v;
  };
  put("IPNVersion", h.ipn_version);
  put("BackendLogID", h.backend_log_id);
  put("OS", h.os);
  put("OSVersion", h.os_version);
  put("App", h.app);
  put("Hostname", h.hostname);
  put("GoArch", h.go_arch);
  if (!h.routable_ips.empty()) {
    auto& a = j["RoutableIPs"] = ordered::array();
    for (auto& p : h.routable_ips)
      a.push_back(p.to_string());
  }
  if (!h.request_tags.empty())
    j["RequestTags"] = h.request_tags;
  if (h.net) {
    ordered n = ordered::object();
    if (h.net->working_ipv6)
      n["WorkingIPv6"] = *h.net->working_ipv6;
    if (h.net->working_udp)
      n["WorkingUDP"] = *h.net->working_udp;
    // Trap #8: control turns this into our Node.HomeDERP; without it Go peers cannot reach us.
    if (h.net->preferred_derp != 0)
      n["PreferredDERP"] = h.net->preferred_derp;
    if (!h.net->derp_latency.empty())
      n["DERPLatency"] = h.net->derp_latency;
    j["NetInfo"] = std::move(n);
  }
  if (h.userspace)
    j["Userspace"] = true;
  return j;
}

} // namespace

std::string key_request_path(std::uint16_t version) {
  return "/key?v=" + std::to_string(version);
}

std::variant<crypto::machine_public, control_error>
parse_server_key_response(std::string_view body) {
  std::string text;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    auto it = j.find("publicKey");
    if (it == j.end() || !it->is_string())
      return control_error{control_errc::bad_key, "publicKey missing"};
    text = it->get<std::string>();
  } else {
    // Pre-JSON servers answered with the bare hex key (Go still accepts that).
    auto b = body;
    while (!b.empty() && (b.back() == '\n' || b.back() == '\r' || b.back() == ' '))
      b.remove_suffix(1);
    text = std::string{crypto::machine_public::prefix} + std::string{b};
  }
  auto k = crypto::machine_public::parse(text);
  if (auto* e = std::get_if<crypto::key_errc>(&k))
    return control_error{control_errc::bad_key, std::string{crypto::to_string(*e)}};
  auto key = std::get<crypto::machine_public>(k);
  if (key.is_zero())
    return control_error{control_errc::bad_key, "zero key"};
  return key;
}

std::variant<std::string, control_error> to_json(const register_request& r) {
  if (r.node_key.is_zero())
    return control_error{control_errc::bad_key, "NodeKey is zero"};
  ordered j = ordered::object();
  j["Version"] = r.version;
  j["NodeKey"] = r.node_key.to_text();
  // Go always sends OldNodeKey (zero when not rotating): a zero key marshals fine, "" would not
  // (trap #9).
  j["OldNodeKey"] = r.old_node_key.to_text();
  if (!r.auth_key.empty())
    j["Auth"] = ordered{{"AuthKey", r.auth_key}};
  // Expiry has no omitempty in Go: the zero time means "default".
  j["Expiry"] = format_rfc3339(r.expiry.value_or(go_zero_time));
  if (!r.followup.empty())
    j["Followup"] = r.followup;
  j["Hostinfo"] = hostinfo_json(r.info);
  if (r.ephemeral)
    j["Ephemeral"] = true;
  return dump(j);
}

std::variant<std::string, control_error> to_json(const map_request& r) {
  if (r.disco_key.is_zero())
    return control_error{control_errc::zero_disco_key, {}};
  if (r.node_key.is_zero())
    return control_error{control_errc::bad_key, "NodeKey is zero"};
  ordered j = ordered::object();
  j["Version"] = r.version;
  // Trap #6: omit Compress for plain JSON.
  if (r.compress == map_compression::zstd)
    j["Compress"] = "zstd";
  j["KeepAlive"] = r.keep_alive;
  j["NodeKey"] = r.node_key.to_text();
  j["DiscoKey"] = r.disco_key.to_text();
  j["Stream"] = r.stream;
  j["Hostinfo"] = hostinfo_json(r.info);
  if (!r.endpoints.empty()) {
    auto& a = j["Endpoints"] = ordered::array();
    for (auto& e : r.endpoints)
      a.push_back(e.to_string());
  }
  if (!r.endpoint_types.empty())
    j["EndpointTypes"] = r.endpoint_types;
  if (r.omit_peers)
    j["OmitPeers"] = true;
  return dump(j);
}

std::variant<register_response, control_error> parse_register_response(std::string_view text) {
  auto parsed = parse_object(text, 64);
  if (auto* e = std::get_if<control_error>(&parsed))
    return std::move(*e);
  auto& j = std::get<json>(parsed);
  try {
    json_path p;
    register_response r;
    if (auto* u = find(j, "User")) {
      auto pu = p.child("User");
      expect_object(*u, pu);
      r.user_id = get_int(*u, "ID", pu);
      r.user_display_name = get_string(*u, "DisplayName", pu);
    }
    if (auto* l = find(j, "Login")) {
      auto pl = p.child("Login");
      expect_object(*l, pl);
      r.login_id = get_int(*l, "ID", pl);
      r.login_provider = get_string(*l, "Provider", pl);
      r.login_name = get_string(*l, "LoginName", pl);
      r.login_display_name = get_string(*l, "DisplayName", pl);
    }
    r.node_key_expired = get_bool(j, "NodeKeyExpired", p);
    r.machine_authorized = get_bool(j, "MachineAuthorized", p);
    r.auth_url = get_string(j, "AuthURL", p);
    r.error = get_string(j, "Error", p);
    return r;
  } catch (const field_error& e) {
    return control_error{e.code, e.detail};
  } catch (const json::exception& e) {
    return control_error{control_errc::bad_json, e.what()};
  }
}

register_outcome classify(const register_response& r) {
  // Trap #12: headscale reports auth-key problems as HTTP 200 with Error set.
  if (!r.error.empty())
    return control_error{control_errc::registration_error, r.error};
  if (r.node_key_expired)
    return needs_new_node_key{};
  if (!r.auth_url.empty())
    return needs_login{r.auth_url};
  if (!r.machine_authorized)
    return needs_machine_auth{};
  return registered{};
}

} // namespace tsnode::control
