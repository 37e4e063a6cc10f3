// Scripted SOCKS5 conversations (RFC 1928, RFC 1929) against proxy/socks5.hpp, byte-exact. Each
// test names the loopback.rs behaviour it pins (see proxy/README.md for the table).
#include <boost/test/unit_test.hpp>

#include "proxy/socks5.hpp"
#include "tests/proxy/conversation.hpp"

using namespace tsnode;
using namespace tsnode::proxy;
using namespace tsnode::test;

namespace {

using socks5 = conversation<socks5_session>;

socks5_session make_session() {
  return socks5_session{credentials{test_password}};
}

// Greeting offering user/password, and the matching auth for `tsnet`.
const std::string greeting = "05 01 02";
const std::string good_auth = auth_hex("tsnet", test_password);

// A conversation already past auth, with the replies consumed.
socks5 authenticated() {
  socks5 c{credentials{test_password}};
  c.feed(greeting);
  c.expect_reply("05 02");
  c.feed(good_auth);
  c.expect_reply("01 00");
  return c;
}

// The full client input of a CONNECT to 100.64.0.5:8080 (the loopback.rs parse_request_ipv4
// vector).
std::string connect_v4_script() {
  return greeting + good_auth + "05 01 00 01 64 40 00 05 1f 90";
}

} // namespace

BOOST_AUTO_TEST_SUITE(proxy_socks5)

// -- greeting (RFC 1928 §3) ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(greeting_selects_user_pass) {
  socks5 c{credentials{test_password}};
  c.feed("05 03 00 01 02"); // curl with credentials offers 00, 01 and 02 (anchors.md §4.2)
  c.expect_reply("05 02");
  c.expect_nothing();
  BOOST_TEST(c.session().state() == socks5_state::auth);
}

BOOST_AUTO_TEST_CASE(greeting_without_user_pass_gets_05_ff) {
  socks5 c{credentials{test_password}};
  c.feed("05 02 00 01"); // curl without credentials: no auth and GSSAPI only
  c.expect_close("05 ff", socks5_errc::no_acceptable_method);
  c.expect_nothing();
  BOOST_TEST(c.session().state() == socks5_state::closed);
}

BOOST_AUTO_TEST_CASE(greeting_with_no_methods_gets_05_ff) {
  socks5 c{credentials{test_password}};
  c.feed("05 00");
  c.expect_close("05 ff", socks5_errc::no_acceptable_method);
}

BOOST_AUTO_TEST_CASE(greeting_with_255_methods_finds_02_last) {
  std::string methods = "05 ff";
  for (int i = 0; i < 254; ++i)
    methods += " 00";
  methods += " 02";
  socks5 c{credentials{test_password}};
  c.feed(methods);
  c.expect_reply("05 02");
}

BOOST_AUTO_TEST_CASE(greeting_bad_version_closes_without_reply) {
  for (auto first : {"04", "00", "06", "ff"}) {
    BOOST_TEST_CONTEXT("VER " << first) {
      socks5 c{credentials{test_password}};
      c.feed(std::string{first} + " 01 02");
      c.expect_close("", socks5_errc::bad_version);
    }
  }
}

BOOST_AUTO_TEST_CASE(input_after_close_is_ignored) {
  socks5 c{credentials{test_password}};
  c.feed("05 01 00");
  c.expect_close("05 ff", socks5_errc::no_acceptable_method);
  c.feed("01 05");
  c.expect_close("", socks5_errc::no_acceptable_method);
}

// -- auth (RFC 1929) ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(auth_success) {
  auto c = authenticated();
  c.expect_nothing();
  BOOST_TEST(c.session().state() == socks5_state::request);
}

BOOST_AUTO_TEST_CASE(auth_wrong_password_gets_01_01) {
  socks5 c{credentials{test_password}};
  c.feed(greeting);
  c.expect_reply("05 02");
  c.feed(auth_hex("tsnet", "0123456789abcdef0123456789abcdeF"));
  c.expect_close("01 01", socks5_errc::auth_failed);
}

BOOST_AUTO_TEST_CASE(auth_wrong_user_gets_01_01) {
  socks5 c{credentials{test_password}};
  c.feed(greeting);
  c.expect_reply("05 02");
  c.feed(auth_hex("alice", test_password));
  c.expect_close("01 01", socks5_errc::auth_failed);
}

BOOST_AUTO_TEST_CASE(auth_empty_password_gets_01_01_even_if_the_check_would_accept) {
  socks5 c{[](std::string_view, std::string_view) { return true; }};
  c.feed(greeting);
  c.expect_reply("05 02");
  c.feed("01 05" + text_hex("tsnet") + "00"); // curl `socks5h://tsnet:@`, Java's default
  c.expect_close("01 01", socks5_errc::empty_password);
}

BOOST_AUTO_TEST_CASE(auth_empty_user_and_password_gets_01_01) {
  socks5 c{credentials{test_password}};
  c.feed(greeting);
  c.expect_reply("05 02");
  c.feed("01 00 00");
  c.expect_close("01 01", socks5_errc::empty_password);
}

BOOST_AUTO_TEST_CASE(auth_long_username_255) {
  std::string user(255, 'u');
  std::string password(255, 'p');
  // With the proxy's credentials, a 255-byte user name parses and fails cleanly...
  {
    socks5 c{credentials{test_password}};
    c.feed(greeting);
    c.expect_reply("05 02");
    c.feed(auth_hex(user, test_password));
    c.expect_close("01 01", socks5_errc::auth_failed);
  }
  // ...and reaches the check intact: 255 bytes of user and 255 of password (curl test742).
  {
    std::string seen_user, seen_password;
    socks5 c{[&](std::string_view u, std::string_view p) {
      seen_user = u;
      seen_password = p;
      return true;
    }};
    c.feed(greeting);
    c.expect_reply("05 02");
    c.feed(auth_hex(user, password));
    c.expect_reply("01 00");
    BOOST_TEST(seen_user == user);
    BOOST_TEST(seen_password == password);
  }
}

BOOST_AUTO_TEST_CASE(auth_bad_version_closes_without_reply) {
  socks5 c{credentials{test_password}};
  c.feed(greeting);
  c.expect_reply("05 02");
  c.feed("05 05" + text_hex("tsnet"));
  c.expect_close("", socks5_errc::bad_auth_version);
}

BOOST_AUTO_TEST_CASE(auth_check_is_called_once) {
  int calls = 0;
  socks5 c{[&](std::string_view, std::string_view) {
    ++calls;
    return false;
  }};
  c.feed(greeting + good_auth + good_auth);
  c.expect_reply("05 02");
  c.expect_close("01 01", socks5_errc::auth_failed);
  c.expect_nothing();
  BOOST_TEST(calls == 1);
}

// -- requests (RFC 1928 §4, §5) -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(connect_ipv4) {
  // loopback.rs parse_request_ipv4: CONNECT to 100.64.0.5:8080 (0x1f90).
  auto c = authenticated();
  c.feed("05 01 00 01 64 40 00 05 1f 90");
  auto req = c.expect_connect();
  BOOST_TEST(req.dst.atyp == address_type::ipv4);
  BOOST_TEST((req.dst.ip == ip_address::v4(100, 64, 0, 5)));
  BOOST_TEST(req.dst.host == "100.64.0.5");
  BOOST_TEST(req.dst.port == 8080);
  BOOST_TEST(req.early_payload.empty());
  BOOST_TEST(c.session().state() == socks5_state::connecting);
  // Success carries the overlay connection's real local address (not 0.0.0.0:0 as loopback.rs).
  c.collect(c.session().on_connected(ip_address::v4(100, 64, 0, 1), 49152));
  c.expect_reply("05 00 00 01 64 40 00 01 c0 00");
  BOOST_TEST(c.session().state() == socks5_state::established);
}

BOOST_AUTO_TEST_CASE(connect_domain) {
  // loopback.rs parse_request_domain: 9-byte name "peer.host", port 443 (0x01bb).
  auto c = authenticated();
  c.feed("05 01 00 03 09" + text_hex("peer.host") + "01 bb");
  auto req = c.expect_connect();
  BOOST_TEST(req.dst.atyp == address_type::domain);
  BOOST_TEST(req.dst.is_name());
  BOOST_TEST(req.dst.host == "peer.host");
  BOOST_TEST(req.dst.port == 443);
}

BOOST_AUTO_TEST_CASE(connect_domain_keeps_case_and_trailing_dot) {
  // The resolver canonicalises (design.md); the parser hands the name over as sent.
  auto c = authenticated();
  std::string name = "Peer.Tail-Net.ts.net.";
  c.feed("05 01 00 03" + len_hex(name.size()) + text_hex(name) + "00 16");
  auto req = c.expect_connect();
  BOOST_TEST(req.dst.host == name);
  BOOST_TEST(req.dst.port == 22);
}

BOOST_AUTO_TEST_CASE(connect_domain_255_bytes) {
  auto c = authenticated();
  std::string name(255, 'a');
  c.feed("05 01 00 03 ff" + text_hex(name) + "00 50");
  auto req = c.expect_connect();
  BOOST_TEST(req.dst.host == name);
}

BOOST_AUTO_TEST_CASE(connect_ipv6) {
  // loopback.rs refused IPv6 with 08; tsnode dials it (tailnets hand out fd7a:115c:a1e0::/48).
  auto c = authenticated();
  c.feed("05 01 00 04 fd 7a 11 5c a1 e0 00 00 00 00 00 00 00 00 00 01 01 bb");
  auto req = c.expect_connect();
  BOOST_TEST(req.dst.atyp == address_type::ipv6);
  BOOST_TEST(req.dst.host == "fd7a:115c:a1e0::1");
  BOOST_TEST(req.dst.port == 443);
  BOOST_REQUIRE(req.dst.ip.has_value());
  BOOST_TEST(!req.dst.ip->is_v4());
  // An IPv6 BND.ADDR makes a 22-byte reply.
  c.collect(c.session().on_connected(*ip_address::parse("fd7a:115c:a1e0::2"), 0x1234));
  c.expect_reply("05 00 00 04 fd 7a 11 5c a1 e0 00 00 00 00 00 00 00 00 00 02 12 34");
}

BOOST_AUTO_TEST_CASE(ip_literals_sent_as_domain_are_addresses) {
  struct row {
    std::string text;
    std::string host;
    bool v4;
  };
  for (const auto& r : std::vector<row>{{"100.64.0.1", "100.64.0.1", true},
                                        {"fd7a:115c:a1e0::1", "fd7a:115c:a1e0::1", false},
                                        {"[fd7a:115c:a1e0::1]", "fd7a:115c:a1e0::1", false},
                                        {"FD7A:115C:A1E0:0:0:0:0:1", "fd7a:115c:a1e0::1", false},
                                        {"::ffff:100.64.0.1", "::ffff:100.64.0.1", false}}) {
    BOOST_TEST_CONTEXT("name " << r.text) {
      auto c = authenticated();
      c.feed("05 01 00 03" + len_hex(r.text.size()) + text_hex(r.text) + "00 50");
      auto req = c.expect_connect();
      BOOST_TEST(req.dst.atyp == address_type::domain); // the wire form is kept
      BOOST_REQUIRE(req.dst.ip.has_value());
      BOOST_TEST(req.dst.ip->is_v4() == r.v4);
      BOOST_TEST(req.dst.host == r.host);
    }
  }
  // Not quite literals: these are names for the resolver, which will not find them.
  for (std::string text : {"010.0.0.1", "100.64.0", "100.64.0.256", "1.2.3.4.5"}) {
    BOOST_TEST_CONTEXT("name " << text) {
      auto c = authenticated();
      c.feed("05 01 00 03" + len_hex(text.size()) + text_hex(text) + "00 50");
      auto req = c.expect_connect();
      BOOST_TEST(req.dst.is_name());
      BOOST_TEST(req.dst.host == text);
    }
  }
}

BOOST_AUTO_TEST_CASE(empty_domain_gets_01) {
  // anchors.md §4.3 item 7: never dial an empty name. We answer 01 (general failure).
  auto c = authenticated();
  c.feed("05 01 00 03 00 01 bb");
  c.expect_close("05 01 00 01 00 00 00 00 00 00", socks5_errc::bad_domain);
}

BOOST_AUTO_TEST_CASE(invalid_domain_gets_01) {
  for (std::string name_hex : {"61 00 62", "61 20 62", "61 0a", "ff fe", "c0 af", "5b 31 5d"}) {
    BOOST_TEST_CONTEXT("name " << name_hex) {
      auto c = authenticated();
      auto bytes = hex(name_hex);
      c.feed("05 01 00 03" + len_hex(bytes.size()) + name_hex + "00 50");
      c.expect_close("05 01 00 01 00 00 00 00 00 00", socks5_errc::bad_domain);
    }
  }
}

BOOST_AUTO_TEST_CASE(bind_gets_07) {
  // RFC 1928 §4 BIND is not supported (loopback.rs, Go net/socks5).
  auto c = authenticated();
  c.feed("05 02 00 01 64 40 00 05 1f 90");
  c.expect_close("05 07 00 01 00 00 00 00 00 00", socks5_errc::command_not_supported);
}

BOOST_AUTO_TEST_CASE(unknown_command_gets_07) {
  auto c = authenticated();
  c.feed("05 09 00 03 01 61 00 50");
  c.expect_close("05 07 00 01 00 00 00 00 00 00", socks5_errc::command_not_supported);
}

BOOST_AUTO_TEST_CASE(unknown_atyp_gets_08_at_once) {
  for (auto atyp : {"00", "02", "05", "ff"}) {
    BOOST_TEST_CONTEXT("ATYP " << atyp) {
      auto c = authenticated();
      c.feed(std::string{"05 01 00 "} + atyp); // no address: its length is unknowable
      c.expect_close("05 08 00 01 00 00 00 00 00 00", socks5_errc::address_type_not_supported);
    }
  }
}

BOOST_AUTO_TEST_CASE(request_bad_version_gets_07) {
  // loopback.rs parse_request maps a non-0x05 VER to 07 (Go's net/socks5 sends 01).
  auto c = authenticated();
  c.feed("04 01 00 01 64 40 00 05 1f 90");
  c.expect_close("05 07 00 01 00 00 00 00 00 00", socks5_errc::bad_request_version);
}

BOOST_AUTO_TEST_CASE(request_waits_for_the_whole_address_before_replying) {
  auto c = authenticated();
  c.feed("05 02 00 04 00 00 00 00");
  c.expect_nothing(); // BIND, but 14 address bytes are still on their way
  c.feed("00 00 00 00 00 00 00 00 00 00 00 01 00");
  c.expect_nothing();
  c.feed("50");
  c.expect_close("05 07 00 01 00 00 00 00 00 00", socks5_errc::command_not_supported);
}

BOOST_AUTO_TEST_CASE(request_nonzero_rsv_is_tolerated) {
  auto c = authenticated();
  c.feed("05 01 ff 01 64 40 00 05 1f 90");
  BOOST_TEST(c.expect_connect().dst.port == 8080);
}

BOOST_AUTO_TEST_CASE(udp_associate_request) {
  // loopback.rs refused CMD 03 with 07 (its parse_request_bad_cmd); tsnode relays UDP.
  auto c = authenticated();
  c.feed("05 03 00 01 00 00 00 00 00 00"); // "not known yet": all zeros (RFC 1928 §7)
  auto req = c.expect_udp();
  BOOST_TEST(req.client.atyp == address_type::ipv4);
  BOOST_TEST(req.client.ip->is_unspecified());
  BOOST_TEST(req.client.port == 0);
  BOOST_TEST(c.session().state() == socks5_state::udp_setup);
  c.feed("de ad"); // nothing travels on the TCP connection after ASSOCIATE
  c.expect_nothing();
  c.collect(c.session().on_udp_ready(ip_address::v4(127, 0, 0, 1), 40000));
  c.expect_reply("05 00 00 01 7f 00 00 01 9c 40");
  BOOST_TEST(c.session().state() == socks5_state::udp_associated);
  c.feed("be ef");
  c.expect_nothing();
}

BOOST_AUTO_TEST_CASE(udp_associate_with_client_address_and_v6_relay) {
  auto c = authenticated();
  c.feed("05 03 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 d4 31");
  auto req = c.expect_udp();
  BOOST_TEST(req.client.host == "::1");
  BOOST_TEST(req.client.port == 54321);
  c.collect(c.session().on_udp_ready(*ip_address::parse("::1"), 40000));
  c.expect_reply("05 00 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 9c 40");
}

BOOST_AUTO_TEST_CASE(udp_setup_failure_gets_mapped_code) {
  auto c = authenticated();
  c.feed("05 03 00 01 00 00 00 00 00 00");
  c.expect_udp();
  c.collect(c.session().on_dial_failed(dial_error::general));
  c.expect_close("05 01 00 01 00 00 00 00 00 00", socks5_errc::dial_failed);
}

// -- replies and dial failures (RFC 1928 §6, design.md) -----------------------------------------

BOOST_AUTO_TEST_CASE(reply_builder_for_every_code) {
  for (int code = 0; code <= 8; ++code) {
    auto bytes = make_socks5_reply(static_cast<socks5_reply>(code));
    BOOST_TEST(to_hex(bytes)
               == "05" + len_hex(static_cast<std::size_t>(code)) + "0001000000000000");
  }
  BOOST_TEST(to_hex(make_socks5_reply(socks5_reply::succeeded, ip_address::v4(127, 0, 0, 1), 1080))
             == "050000017f0000010438");
  BOOST_TEST(make_socks5_reply(socks5_reply::succeeded, *ip_address::parse("::1"), 1).size()
             == socks5_reply_v6_size);
}

BOOST_AUTO_TEST_CASE(dial_error_mapping) {
  BOOST_TEST(int(to_socks5_reply(dial_error::no_such_host)) == 0x04);
  BOOST_TEST(int(to_socks5_reply(dial_error::no_route)) == 0x03);
  BOOST_TEST(int(to_socks5_reply(dial_error::refused)) == 0x05);
  BOOST_TEST(int(to_socks5_reply(dial_error::timeout)) == 0x06);
  BOOST_TEST(int(to_socks5_reply(dial_error::unreachable)) == 0x04);
  BOOST_TEST(int(to_socks5_reply(dial_error::policy)) == 0x02);
  BOOST_TEST(int(to_socks5_reply(dial_error::general)) == 0x01);
}

BOOST_AUTO_TEST_CASE(every_dial_failure_closes_with_its_code) {
  struct row {
    dial_error e;
    const char* rep;
  };
  for (auto r : {row{dial_error::no_such_host, "04"}, row{dial_error::no_route, "03"},
                 row{dial_error::refused, "05"}, row{dial_error::timeout, "06"},
                 row{dial_error::unreachable, "04"}, row{dial_error::policy, "02"},
                 row{dial_error::general, "01"}}) {
    BOOST_TEST_CONTEXT("dial_error " << to_string(r.e)) {
      auto c = authenticated();
      c.feed("05 01 00 03 04" + text_hex("peer") + "00 50");
      c.expect_connect();
      c.collect(c.session().on_dial_failed(r.e));
      c.expect_close(std::string{"05 "} + r.rep + " 00 01 00 00 00 00 00 00",
                     socks5_errc::dial_failed);
      BOOST_TEST(c.session().state() == socks5_state::closed);
    }
  }
}

BOOST_AUTO_TEST_CASE(events_out_of_order_close) {
  {
    socks5 c{credentials{test_password}};
    c.collect(c.session().on_connected({}, 0));
    c.expect_close("", socks5_errc::out_of_order);
  }
  {
    auto c = authenticated();
    c.feed("05 01 00 01 64 40 00 05 1f 90");
    c.expect_connect();
    c.collect(c.session().on_udp_ready({}, 0)); // a CONNECT is not a UDP association
    c.expect_close("", socks5_errc::out_of_order);
  }
  {
    auto c = authenticated();
    c.feed("05 01 00 01 64 40 00 05 1f 90");
    c.expect_connect();
    c.collect(c.session().on_connected({}, 0));
    c.expect_reply("05 00 00 01 00 00 00 00 00 00");
    c.collect(c.session().on_dial_failed(dial_error::refused));
    c.expect_close("", socks5_errc::out_of_order);
  }
}

// -- pipelining and payload (anchors.md §4.3 item 4) --------------------------------------------

BOOST_AUTO_TEST_CASE(pipelined_greeting_auth_request_and_payload_in_one_segment) {
  socks5 c{credentials{test_password}};
  c.feed(connect_v4_script() + text_hex("GET / HTTP/1.1\r\n\r\n"));
  c.expect_reply("05 02");
  c.expect_reply("01 00");
  auto req = c.expect_connect();
  BOOST_TEST(req.dst.to_string() == "100.64.0.5:8080");
  BOOST_TEST(to_hex(req.early_payload) == text_hex("GET / HTTP/1.1\r\n\r\n"));
  c.expect_nothing();
  // Optimistic data keeps coming while the dial is in flight: handed back, never lost.
  c.feed("01 02 03");
  c.expect_payload("01 02 03");
  c.collect(c.session().on_connected(ip_address::v4(100, 64, 0, 1), 50000));
  c.expect_reply("05 00 00 01 64 40 00 01 c3 50");
  c.feed("04");
  c.expect_payload("04");
}

BOOST_AUTO_TEST_CASE(pipelined_greeting_and_auth_then_request) {
  // v2ray sends greeting and auth together (v2ray-core#2179).
  socks5 c{credentials{test_password}};
  c.feed(greeting + good_auth);
  c.expect_reply("05 02");
  c.expect_reply("01 00");
  c.expect_nothing();
  c.feed("05 01 00 03 04" + text_hex("peer") + "00 16");
  BOOST_TEST(c.expect_connect().dst.to_string() == "peer:22");
}

BOOST_AUTO_TEST_CASE(pipelined_wrong_auth_stops_before_the_request) {
  socks5 c{credentials{test_password}};
  c.feed(greeting + auth_hex("tsnet", "nope") + "05 01 00 01 64 40 00 05 1f 90 ff ff");
  c.expect_reply("05 02");
  c.expect_close("01 01", socks5_errc::auth_failed);
  c.expect_nothing();
}

BOOST_AUTO_TEST_CASE(bytes_after_udp_associate_are_not_payload) {
  socks5 c{credentials{test_password}};
  c.feed(greeting + good_auth + "05 03 00 01 00 00 00 00 00 00 aa bb");
  c.expect_reply("05 02");
  c.expect_reply("01 00");
  c.expect_udp();
  c.expect_nothing();
}

// -- any chunking, any truncation ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_chunking_and_truncation_gives_the_same_outcome) {
  std::vector<std::string> scripts = {
    connect_v4_script(),
    connect_v4_script() + "de ad be ef",
    greeting + good_auth + "05 01 00 03 09" + text_hex("peer.host") + "01 bb" + text_hex("hi"),
    greeting + good_auth + "05 01 00 04 fd 7a 11 5c a1 e0 00 00 00 00 00 00 00 00 00 01 01 bb",
    greeting + good_auth + "05 01 00 03 0a" + text_hex("100.64.0.1") + "00 50",
    greeting + good_auth + "05 03 00 01 00 00 00 00 00 00 01",
    greeting + good_auth + "05 02 00 01 64 40 00 05 1f 90",
    greeting + good_auth + "05 01 00 02 00 00",
    greeting + good_auth + "05 01 00 03 00 01 bb",
    greeting + good_auth + "04 01 00 01 64 40 00 05 1f 90",
    greeting + auth_hex("tsnet", "") + "05 01 00 01 64 40 00 05 1f 90",
    greeting + auth_hex("tsnet", "wrong"),
    greeting + auth_hex(std::string(255, 'u'), std::string(255, 'p')),
    greeting + "02 05" + text_hex("tsnet"),
    "05 02 00 01",
    "04 01 00 50 64 40 00 05 00",
  };
  for (const auto& s : scripts)
    check_chunking<socks5_session>(make_session, hex(s));
}

BOOST_AUTO_TEST_CASE(truncated_request_only_asks_for_more) {
  auto full = hex(connect_v4_script());
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    socks5_session s{credentials{test_password}};
    proxy::action last = s.on_bytes({full.data(), cut});
    while (std::holds_alternative<reply>(last))
      last = s.next();
    BOOST_TEST(std::holds_alternative<need_more>(last), "cut at " << cut << ": " << describe(last));
  }
}

BOOST_AUTO_TEST_CASE(state_names) {
  BOOST_TEST(to_string(socks5_state::greeting) == "greeting");
  BOOST_TEST(to_string(socks5_state::udp_associated) == "udp_associated");
  BOOST_TEST(to_string(socks5_errc::auth_failed) == "auth_failed");
  BOOST_TEST(to_string(socks5_errc::closed) == "closed");
  BOOST_TEST(static_cast<int>(socks5_errc::bad_version) == 1);
  BOOST_TEST(to_string(dial_error::no_route) == "no_route");
}

BOOST_AUTO_TEST_SUITE_END()
