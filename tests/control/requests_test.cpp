// Request/response JSON of the control RPCs (control/requests.hpp; tailscale-protocol.md §2.1,
// §3, §4.1): field names and omissions as Go marshals tailcfg, traps #6, #7, #8, #9 and #12.
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "control/requests.hpp"
#include "tests/control/test_util.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::control;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

crypto::node_public node_key(std::uint8_t b) {
  return crypto::node_public{test::filled<32>(b)};
}
crypto::disco_public disco_key(std::uint8_t b) {
  return crypto::disco_public{test::filled<32>(b)};
}

/// Returns 32 copies of the two hex digits `b` (the text of a filled key).
std::string repeat32(const char* b) {
  std::string out;
  for (int i = 0; i < 32; ++i)
    out += b;
  return out;
}

json parsed(const std::variant<std::string, control_error>& r) {
  if (auto* e = std::get_if<control_error>(&r))
    BOOST_FAIL("build failed: " << to_string(*e));
  return json::parse(std::get<std::string>(r));
}

} // namespace

BOOST_AUTO_TEST_SUITE(control_requests)

BOOST_AUTO_TEST_CASE(capability_version_is_accepted_by_headscale) {
  // headscale v0.29's floor is 113 (trap #2); 144+ would promise TSMP disco adverts (trap #17).
  BOOST_TEST(capability_version >= 113);
  BOOST_TEST(capability_version < 144);
  BOOST_TEST(key_request_path() == "/key?v=130");
}

BOOST_AUTO_TEST_CASE(server_key_response) {
  auto k = parse_server_key_response(
    R"({"legacyPublicKey":"mkey:0000000000000000000000000000000000000000000000000000000000000000",)"
    R"("publicKey":"mkey:ce8d3ad1ccb633ec7b70c17814a5c76ecd029685050d344745ba05870e587d59"})");
  BOOST_REQUIRE(std::holds_alternative<crypto::machine_public>(k));
  BOOST_TEST(test::hex_of(std::get<crypto::machine_public>(k).bytes) == test::ts2021::control_pub);
  // The pre-JSON form: a bare hex key.
  auto bare = parse_server_key_response(std::string(test::ts2021::control_pub) + "\n");
  BOOST_TEST(std::holds_alternative<crypto::machine_public>(bare));
  for (auto bad :
       {R"({"legacyPublicKey":"mkey:00"})", R"({"publicKey":""})",
        R"({"publicKey":"mkey:0000000000000000000000000000000000000000000000000000000000000000"})",
        "", "<html>"})
    BOOST_TEST(
      std::get<control_error>(parse_server_key_response(bad)).code == control_errc::bad_key, bad);
}

BOOST_AUTO_TEST_CASE(register_request_with_auth_key) {
  register_request r;
  r.node_key = node_key(0x05);
  r.auth_key = "hskey-auth-abc";
  r.info.hostname = "tsnode-a";
  auto j = parsed(to_json(r));
  BOOST_TEST(j["Version"] == 130);
  BOOST_TEST(j["NodeKey"] == "nodekey:" + repeat32("05"));
  // Trap #9: a zero OldNodeKey is sent as the zero key, never "".
  BOOST_TEST(j["OldNodeKey"] == "nodekey:" + std::string(64, '0'));
  BOOST_TEST(j["Auth"]["AuthKey"] == "hskey-auth-abc");
  BOOST_TEST(j["Expiry"] == "0001-01-01T00:00:00Z");
  BOOST_TEST(!j.contains("Followup"));
  BOOST_TEST(!j.contains("Ephemeral"));
  BOOST_TEST(j["Hostinfo"]["Hostname"] == "tsnode-a");
  BOOST_TEST(j["Hostinfo"]["OS"] == "linux");
  BOOST_TEST(!j["Hostinfo"].contains("NetInfo"));
}

BOOST_AUTO_TEST_CASE(register_request_followup_logout_rotation) {
  register_request r;
  r.node_key = node_key(0x06);
  r.old_node_key = node_key(0x05);
  r.followup = "http://127.0.0.1:8080/register/hskey-authreq-x";
  r.expiry = wall_time{123s}; // Go's logout
  r.ephemeral = true;
  auto j = parsed(to_json(r));
  BOOST_TEST(!j.contains("Auth"));
  BOOST_TEST(j["OldNodeKey"] == "nodekey:" + repeat32("05"));
  BOOST_TEST(j["Followup"] == r.followup);
  BOOST_TEST(j["Expiry"] == "1970-01-01T00:02:03Z");
  BOOST_TEST(j["Ephemeral"] == true);
  r.node_key = {};
  BOOST_TEST(std::get<control_error>(to_json(r)).code == control_errc::bad_key);
}

BOOST_AUTO_TEST_CASE(map_request_streaming) {
  map_request r;
  r.node_key = node_key(0x05);
  r.disco_key = disco_key(0x0a);
  r.stream = true;
  r.keep_alive = true;
  r.info.hostname = "tsnode-a";
  r.info.net = net_info{999, {{"999-v4", 0.012}}, true, std::nullopt};
  r.info.userspace = true;
  auto j = parsed(to_json(r));
  BOOST_TEST(j["Version"] == 130);
  BOOST_TEST(!j.contains("Compress")); // trap #6: plain JSON
  BOOST_TEST(j["Stream"] == true);
  BOOST_TEST(j["KeepAlive"] == true);
  BOOST_TEST(j["DiscoKey"] == "discokey:" + repeat32("0a"));
  BOOST_TEST(j["Hostinfo"]["NetInfo"]["PreferredDERP"] == 999); // trap #8
  BOOST_TEST(j["Hostinfo"]["NetInfo"]["DERPLatency"]["999-v4"] == 0.012);
  BOOST_TEST(j["Hostinfo"]["NetInfo"]["WorkingUDP"] == true);
  BOOST_TEST(!j["Hostinfo"]["NetInfo"].contains("WorkingIPv6"));
  BOOST_TEST(j["Hostinfo"]["Userspace"] == true);
  BOOST_TEST(!j.contains("Endpoints"));
  BOOST_TEST(!j.contains("OmitPeers"));
}

BOOST_AUTO_TEST_CASE(map_request_lite_update_with_endpoints_and_zstd) {
  map_request r;
  r.node_key = node_key(0x05);
  r.disco_key = disco_key(0x0a);
  r.omit_peers = true;
  r.compress = map_compression::zstd;
  r.endpoints = {*ip_port::parse("192.168.1.5:41641"), *ip_port::parse("[2001:db8::5]:41641")};
  r.endpoint_types = {1, 2};
  auto j = parsed(to_json(r));
  BOOST_TEST(j["Compress"] == "zstd");
  BOOST_TEST(j["Stream"] == false);
  BOOST_TEST(j["OmitPeers"] == true);
  BOOST_TEST(j["Endpoints"] == json::parse(R"(["192.168.1.5:41641","[2001:db8::5]:41641"])"));
  BOOST_TEST(j["EndpointTypes"] == json::parse("[1,2]"));
}

BOOST_AUTO_TEST_CASE(map_request_refuses_a_zero_disco_key) {
  map_request r;
  r.node_key = node_key(0x05);
  BOOST_TEST(std::get<control_error>(to_json(r)).code == control_errc::zero_disco_key); // trap #7
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_strings_does_not_throw) {
  map_request r;
  r.node_key = node_key(0x05);
  r.disco_key = disco_key(0x0a);
  r.info.hostname = std::string("bad\xff\xfename");
  BOOST_TEST(std::holds_alternative<std::string>(to_json(r)));
}

BOOST_AUTO_TEST_CASE(register_responses_and_outcomes) {
  auto ok
    = std::get<register_response>(parse_register_response(test::fixture("register_authkey.json")));
  BOOST_TEST(ok.machine_authorized);
  BOOST_TEST(ok.user_id == 1);
  BOOST_TEST(ok.login_name == "alice");
  BOOST_TEST(std::holds_alternative<registered>(classify(ok)));

  // Trap #12: HTTP 200 with Error set is a failure carrying the server's words.
  auto err
    = std::get<register_response>(parse_register_response(test::fixture("register_error.json")));
  auto out = classify(err);
  BOOST_REQUIRE(std::holds_alternative<control_error>(out));
  BOOST_TEST(std::get<control_error>(out).code == control_errc::registration_error);
  BOOST_TEST(std::get<control_error>(out).detail == "invalid pre auth key");

  auto inter = std::get<register_response>(
    parse_register_response(test::fixture("register_interactive.json")));
  auto login = classify(inter);
  BOOST_REQUIRE(std::holds_alternative<needs_login>(login));
  BOOST_TEST(std::get<needs_login>(login).auth_url
             == "http://127.0.0.1:8080/register/hskey-authreq-abcdefghijklmnopqrstuvwx");

  register_response expired;
  expired.node_key_expired = true;
  expired.auth_url = "x";
  BOOST_TEST(std::holds_alternative<needs_new_node_key>(classify(expired)));
  BOOST_TEST(std::holds_alternative<needs_machine_auth>(classify(register_response{})));

  BOOST_TEST(std::get<control_error>(parse_register_response("nope")).code
             == control_errc::bad_json);
  BOOST_TEST(std::get<control_error>(parse_register_response(R"({"Error":5})")).code
             == control_errc::bad_field);
}

BOOST_AUTO_TEST_SUITE_END()
