// The first-byte demultiplexer (proxy/session.hpp): one listener port, SOCKS5 or HTTP CONNECT.
#include <boost/test/unit_test.hpp>

#include "proxy/base64.hpp"
#include "proxy/session.hpp"
#include "tests/proxy/conversation.hpp"

using namespace tsnode;
using namespace tsnode::proxy;
using namespace tsnode::test;

namespace {

using mux = conversation<proxy_session>;

} // namespace

BOOST_AUTO_TEST_SUITE(proxy_session_mux)

BOOST_AUTO_TEST_CASE(nothing_decided_before_the_first_byte) {
  mux c{credentials{test_password}};
  c.feed("");
  c.expect_nothing();
  BOOST_TEST(!c.session().detected().has_value());
  c.collect(c.session().on_connected({}, 0));
  c.expect_close("", socks5_errc::out_of_order);
}

BOOST_AUTO_TEST_CASE(socks5_first_byte) {
  mux c{credentials{test_password}};
  c.feed("05");
  c.expect_nothing();
  BOOST_TEST((c.session().detected() == protocol::socks5));
  c.feed("01 02" + auth_hex("tsnet", test_password) + "05 01 00 03 04" + text_hex("peer")
         + "00 16");
  c.expect_reply("05 02");
  c.expect_reply("01 00");
  BOOST_TEST(c.expect_connect().dst.to_string() == "peer:22");
  c.collect(c.session().on_connected(ip_address::v4(100, 64, 0, 1), 1));
  c.expect_reply("05 00 00 01 64 40 00 01 00 01");
}

BOOST_AUTO_TEST_CASE(socks5_udp_and_failure) {
  mux c{credentials{test_password}};
  c.feed("05 01 02" + auth_hex("tsnet", test_password) + "05 03 00 01 00 00 00 00 00 00");
  c.expect_reply("05 02");
  c.expect_reply("01 00");
  c.expect_udp();
  c.collect(c.session().on_udp_ready(ip_address::v4(127, 0, 0, 1), 2));
  c.expect_reply("05 00 00 01 7f 00 00 01 00 02");
  mux d{credentials{test_password}};
  d.feed("05 01 02" + auth_hex("tsnet", test_password) + "05 01 00 01 64 40 00 05 00 16");
  d.expect_reply("05 02");
  d.expect_reply("01 00");
  d.expect_connect();
  d.collect(d.session().on_dial_failed(dial_error::no_route));
  d.expect_close("05 03 00 01 00 00 00 00 00 00", socks5_errc::dial_failed);
}

BOOST_AUTO_TEST_CASE(http_first_byte) {
  mux c{credentials{test_password}};
  c.feed_text("C");
  BOOST_TEST((c.session().detected() == protocol::http));
  c.feed_text("ONNECT peer:22 HTTP/1.1\r\nProxy-Authorization: Basic "
              + base64_encode("tsnet:" + test_password) + "\r\n\r\n");
  BOOST_TEST(c.expect_connect().dst.to_string() == "peer:22");
  c.collect(c.session().on_connected(ip_address::v4(100, 64, 0, 1), 1));
  c.expect_reply_text("HTTP/1.1 200 Connection established\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(http_never_gets_a_udp_relay) {
  mux c{credentials{test_password}};
  c.feed_text("CONNECT peer:22 HTTP/1.1\r\nProxy-Authorization: Basic "
              + base64_encode("tsnet:" + test_password) + "\r\n\r\n");
  c.expect_connect();
  c.collect(c.session().on_udp_ready({}, 0));
  c.expect_close_text("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                      http_errc::dial_failed);
}

BOOST_AUTO_TEST_CASE(socks4_gets_a_socks4_rejection) {
  // Java falls back to SOCKS4 on the same socket (okhttp#1359); answer it instead of hanging.
  mux c{credentials{test_password}};
  c.feed("04 01 00 50 64 40 00 05 00");
  c.expect_close("00 5b 00 00 00 00 00 00", socks5_errc::socks4_request);
  BOOST_TEST((c.session().detected() == protocol::socks4));
  c.feed("00");
  c.expect_close("", socks5_errc::closed);
  c.collect(c.session().on_dial_failed(dial_error::general));
  c.expect_close("", socks5_errc::out_of_order);
}

BOOST_AUTO_TEST_SUITE_END()
