// Scripted HTTP CONNECT conversations (RFC 9110 §9.3.6, RFC 9112, RFC 7617) against
// proxy/http_connect.hpp, byte-exact.
#include <boost/test/unit_test.hpp>

#include "proxy/base64.hpp"
#include "proxy/http_connect.hpp"
#include "tests/proxy/conversation.hpp"

using namespace tsnode;
using namespace tsnode::proxy;
using namespace tsnode::test;

namespace {

using http = conversation<http_connect_session>;

http_connect_session make_session() {
  return http_connect_session{credentials{test_password}};
}

std::string basic(std::string_view user, std::string_view password) {
  return base64_encode(std::string{user} + ":" + std::string{password});
}

// What `curl -x http://tsnet:<cred>@127.0.0.1:port https://peer.host/` sends.
std::string curl_head(std::string_view target = "peer.host:443") {
  return "CONNECT " + std::string{target} + " HTTP/1.1\r\nHost: " + std::string{target}
         + "\r\nProxy-Authorization: Basic " + basic("tsnet", test_password)
         + "\r\nUser-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n\r\n";
}

const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
const std::string auth_required
  = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
    "realm=\"tsnode\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const std::string bad_request
  = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

} // namespace

BOOST_AUTO_TEST_SUITE(proxy_http_connect)

BOOST_AUTO_TEST_CASE(first_byte_picks_the_protocol) {
  BOOST_TEST(detect_protocol(0x05) == protocol::socks5);
  BOOST_TEST(detect_protocol(0x04) == protocol::socks4);
  BOOST_TEST(detect_protocol('C') == protocol::http);
  BOOST_TEST(detect_protocol('G') == protocol::http);
  BOOST_TEST(detect_protocol(0x16) == protocol::http); // a TLS ClientHello gets a 400
  BOOST_TEST(detect_protocol(0x00) == protocol::http);
}

BOOST_AUTO_TEST_CASE(connect_success) {
  http c{credentials{test_password}};
  c.feed_text(curl_head());
  auto req = c.expect_connect();
  BOOST_TEST(req.dst.to_string() == "peer.host:443");
  BOOST_TEST(req.dst.is_name());
  BOOST_TEST(req.dst.atyp == address_type::domain);
  BOOST_TEST(req.early_payload.empty());
  BOOST_TEST(c.session().state() == http_state::connecting);
  c.collect(c.session().on_connected());
  c.expect_reply_text(established);
  BOOST_TEST(c.session().state() == http_state::established);
  c.feed_text("\x16\x03\x01");
  c.expect_payload("16 03 01");
}

BOOST_AUTO_TEST_CASE(missing_auth_gets_407) {
  http c{credentials{test_password}};
  c.feed_text("CONNECT peer.host:443 HTTP/1.1\r\nHost: peer.host:443\r\n\r\n");
  c.expect_close_text(auth_required, http_errc::auth_required);
}

BOOST_AUTO_TEST_CASE(wrong_auth_gets_407) {
  std::vector<std::string> values = {
    "Basic " + basic("tsnet", "0123456789abcdef0123456789abcdeF"), // wrong password
    "Basic " + basic("alice", test_password),                      // wrong user
    "Basic " + basic("tsnet", ""),                                 // empty password
    "Basic " + base64_encode("tsnet" + test_password),             // no colon
    "Basic !!!!",                                                  // not base64
    "Basic",                                                       // no credentials
    "Bearer " + basic("tsnet", test_password),                     // wrong scheme
  };
  for (const auto& v : values) {
    BOOST_TEST_CONTEXT("Proxy-Authorization: " << v) {
      http c{credentials{test_password}};
      c.feed_text("CONNECT peer.host:443 HTTP/1.1\r\nProxy-Authorization: " + v + "\r\n\r\n");
      c.expect_close_text(auth_required, http_errc::auth_failed);
    }
  }
}

BOOST_AUTO_TEST_CASE(header_names_and_scheme_are_case_insensitive) {
  for (std::string name : {"proxy-authorization", "PROXY-AUTHORIZATION", "Proxy-authorization"}) {
    for (std::string scheme : {"basic", "BASIC", "Basic"}) {
      BOOST_TEST_CONTEXT(name << ": " << scheme) {
        http c{credentials{test_password}};
        c.feed_text("CONNECT peer:22 HTTP/1.1\r\n" + name + ":  " + scheme + "  "
                    + basic("tsnet", test_password) + " \t\r\n\r\n");
        BOOST_TEST(c.expect_connect().dst.to_string() == "peer:22");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(password_may_contain_colons) {
  // RFC 7617 §2: the user-id has no colon, so the first colon splits.
  http c{credentials{"tsnet", "a:b:c"}};
  c.feed_text("CONNECT peer:22 HTTP/1.1\r\nProxy-Authorization: Basic " + basic("tsnet", "a:b:c")
              + "\r\n\r\n");
  c.expect_connect();
}

BOOST_AUTO_TEST_CASE(targets) {
  struct row {
    std::string target;
    std::string dst;
    bool is_ip;
    address_type atyp;
  };
  for (const auto& r : std::vector<row>{
         {"[::1]:443", "[::1]:443", true, address_type::domain},
         {"[fd7a:115c:a1e0::1]:22", "[fd7a:115c:a1e0::1]:22", true, address_type::domain},
         {"100.64.0.1:80", "100.64.0.1:80", true, address_type::domain},
         {"peer:65535", "peer:65535", false, address_type::domain},
         {"peer.tail-net.ts.net.:1", "peer.tail-net.ts.net.:1", false, address_type::domain}}) {
    BOOST_TEST_CONTEXT("target " << r.target) {
      http c{credentials{test_password}};
      c.feed_text(curl_head(r.target));
      auto req = c.expect_connect();
      BOOST_TEST(req.dst.to_string() == r.dst);
      BOOST_TEST(req.dst.ip.has_value() == r.is_ip);
      BOOST_TEST(req.dst.atyp == r.atyp);
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_targets_get_400) {
  for (std::string t : {"peer", "peer:", "peer:0", "peer:65536", "peer:abc", "peer:+80",
                        "peer:123456", "::1:443", "[::1]443", "[::1]", "[1.2.3.4]:80", "[zz::1]:80",
                        ":443", "http://peer:80", "user@peer:80", "peer/x:80"}) {
    BOOST_TEST_CONTEXT("target " << t) {
      http c{credentials{test_password}};
      c.feed_text(curl_head(t));
      c.expect_close_text(bad_request, http_errc::bad_target);
    }
  }
}

BOOST_AUTO_TEST_CASE(other_methods_get_405) {
  for (std::string line : {"GET / HTTP/1.1", "GET http://peer/ HTTP/1.1",
                           "connect peer:22 HTTP/1.1", "POST /localapi/v0/status HTTP/1.1"}) {
    BOOST_TEST_CONTEXT(line) {
      http c{credentials{test_password}};
      c.feed_text(line + "\r\nHost: peer\r\n");
      c.expect_nothing(); // errors wait for the end of the head
      c.feed_text("\r\n");
      c.expect_close_text("HTTP/1.1 405 Method Not Allowed\r\nAllow: CONNECT\r\nContent-Length: "
                          "0\r\nConnection: close\r\n\r\n",
                          http_errc::method_not_allowed);
    }
  }
}

BOOST_AUTO_TEST_CASE(other_versions_get_505_or_400) {
  {
    http c{credentials{test_password}};
    c.feed_text("CONNECT peer:22 HTTP/2.0\r\n\r\n");
    c.expect_close_text(
      "HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
      http_errc::version_not_supported);
  }
  {
    // HTTP/1.0 is served (with an HTTP/1.1 response, RFC 9112 §2.3).
    http c{credentials{test_password}};
    c.feed_text("CONNECT peer:22 HTTP/1.0\r\nProxy-Authorization: Basic "
                + basic("tsnet", test_password) + "\r\n\r\n");
    c.expect_connect();
  }
  for (std::string line :
       {"CONNECT peer:22 HTTP/1.1x", "CONNECT peer:22 http/1.1", "CONNECT peer:22",
        "CONNECT  peer:22 HTTP/1.1", "CONNECT peer:22 HTTP/1.1 ", "CONNECT peer:22 HTTP/11"}) {
    BOOST_TEST_CONTEXT(line) {
      http c{credentials{test_password}};
      c.feed_text(line + "\r\n\r\n");
      c.expect_close_text(bad_request, http_errc::malformed_request);
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_heads_get_400) {
  auto auth = "Proxy-Authorization: Basic " + basic("tsnet", test_password) + "\r\n";
  std::vector<std::string> heads = {
    "CONNECT peer:22 HTTP/1.1\r\n" + auth + " folded: value\r\n\r\n", // obs-fold
    "CONNECT peer:22 HTTP/1.1\r\n" + auth + "Host : peer\r\n\r\n",    // space before colon
    "CONNECT peer:22 HTTP/1.1\r\n" + auth + "no colon here\r\n\r\n",  // not a field
    "CONNECT peer:22 HTTP/1.1\r\n" + auth + ": empty name\r\n\r\n",   // empty name
    "CONNECT peer:22 HTTP/1.1\r\n" + auth + auth + "\r\n",            // two credentials
    "CONNECT peer:22 HTTP/1.1\r\n" + auth + "X: a\rb\r\n\r\n",        // bare CR
    std::string{"CONNECT peer:22 HTTP/1.1\r\n"} + auth + "X: a" + '\0' + "b\r\n\r\n", // NUL
    "CONNECT peer:22\tHTTP/1.1\r\n" + auth + "\r\n",    // tab in request line
    "\x16\x03\x01\x02\x05\x01\x05\x01\xfc\x03\x03\n\n", // TLS, not HTTP
  };
  for (const auto& h : heads) {
    BOOST_TEST_CONTEXT("head " << to_hex(text_bytes(h))) {
      http c{credentials{test_password}};
      c.feed_text(h);
      c.expect_close_text(bad_request, http_errc::malformed_request);
    }
  }
}

BOOST_AUTO_TEST_CASE(bare_lf_and_leading_empty_lines_are_accepted) {
  // RFC 9112 §2.2: a recipient may accept LF alone and ignore empty lines before the request.
  http c{credentials{test_password}};
  c.feed_text("\r\n\nCONNECT peer:22 HTTP/1.1\nProxy-Authorization: Basic "
              + basic("tsnet", test_password) + "\n\nxyz");
  auto req = c.expect_connect();
  BOOST_TEST(req.dst.to_string() == "peer:22");
  BOOST_TEST(to_hex(req.early_payload) == text_hex("xyz"));
}

BOOST_AUTO_TEST_CASE(oversized_head_gets_431_at_once) {
  http c{credentials{test_password}};
  c.feed_text("CONNECT peer:22 HTTP/1.1\r\n");
  std::string filler = "X-Filler: " + std::string(1000, 'a') + "\r\n";
  for (int i = 0; i < 16; ++i) // 26 + 16 * 1012 bytes: still under 16 KiB, no line end yet
    c.feed_text(filler);
  c.expect_nothing();
  c.feed_text(filler); // crosses the limit: answered before the head ends
  c.expect_close_text("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: "
                      "0\r\nConnection: close\r\n\r\n",
                      http_errc::headers_too_large);
}

BOOST_AUTO_TEST_CASE(oversized_line_without_end_gets_431) {
  http c{credentials{test_password}, 64};
  c.feed_text("CONNECT " + std::string(100, 'a')); // no line end at all
  c.expect_close_text("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: "
                      "0\r\nConnection: close\r\n\r\n",
                      http_errc::headers_too_large);
}

BOOST_AUTO_TEST_CASE(head_exactly_at_the_limit_is_accepted) {
  auto head = curl_head();
  {
    http c{credentials{test_password}, head.size()};
    c.feed_text(head + "payload");
    BOOST_TEST(to_hex(c.expect_connect().early_payload) == text_hex("payload"));
  }
  {
    http c{credentials{test_password}, head.size() - 1};
    c.feed_text(head);
    c.expect_close_text("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: "
                        "0\r\nConnection: close\r\n\r\n",
                        http_errc::headers_too_large);
  }
}

BOOST_AUTO_TEST_CASE(payload_after_headers_is_handed_back) {
  http c{credentials{test_password}};
  c.feed_text(curl_head() + "\x16\x03\x01 client hello");
  auto req = c.expect_connect();
  BOOST_TEST(to_hex(req.early_payload) == text_hex("\x16\x03\x01 client hello"));
  c.feed_text("more");
  c.expect_payload(text_hex("more"));
  c.collect(c.session().on_connected());
  c.expect_reply_text(established);
}

BOOST_AUTO_TEST_CASE(dial_failures) {
  struct row {
    dial_error e;
    std::string head;
  };
  for (const auto& r : std::vector<row>{{dial_error::timeout, "HTTP/1.1 504 Gateway Timeout"},
                                        {dial_error::policy, "HTTP/1.1 403 Forbidden"},
                                        {dial_error::refused, "HTTP/1.1 502 Bad Gateway"},
                                        {dial_error::no_such_host, "HTTP/1.1 502 Bad Gateway"},
                                        {dial_error::no_route, "HTTP/1.1 502 Bad Gateway"},
                                        {dial_error::unreachable, "HTTP/1.1 502 Bad Gateway"},
                                        {dial_error::general, "HTTP/1.1 502 Bad Gateway"}}) {
    BOOST_TEST_CONTEXT(to_string(r.e)) {
      http c{credentials{test_password}};
      c.feed_text(curl_head());
      c.expect_connect();
      c.collect(c.session().on_dial_failed(r.e));
      c.expect_close_text(r.head + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                          http_errc::dial_failed);
    }
  }
}

BOOST_AUTO_TEST_CASE(events_out_of_order_close) {
  http c{credentials{test_password}};
  c.collect(c.session().on_connected());
  c.expect_close_text("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                      http_errc::out_of_order);
  c.feed_text("CONNECT");
  c.expect_close("", http_errc::out_of_order);
}

BOOST_AUTO_TEST_CASE(check_is_called_once) {
  int calls = 0;
  http c{[&](std::string_view u, std::string_view p) {
    ++calls;
    return u == "tsnet" && p == "x";
  }};
  c.feed_text("CONNECT peer:22 HTTP/1.1\r\nProxy-Authorization: Basic " + basic("tsnet", "x")
              + "\r\n\r\n");
  c.expect_connect();
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(every_chunking_and_truncation_gives_the_same_outcome) {
  std::vector<std::string> scripts = {
    curl_head(),
    curl_head() + "early bytes",
    curl_head("[fd7a:115c:a1e0::1]:22"),
    "CONNECT peer:22 HTTP/1.1\r\n\r\n",
    "CONNECT peer:0 HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "CONNECT peer:22 HTTP/1.1\r\nproxy-authorization: basic " + basic("tsnet", "bad") + "\r\n\r\n",
    "\nCONNECT peer:22 HTTP/1.1\n X: folded\n\n",
  };
  for (const auto& s : scripts)
    check_chunking<http_connect_session>(make_session, text_bytes(s));
  // A small head limit, so truncations cross it too.
  check_chunking<http_connect_session>(
    [] {
      return http_connect_session{credentials{test_password}, 40};
    },
    text_bytes(curl_head()));
}

BOOST_AUTO_TEST_CASE(response_builder) {
  BOOST_TEST(to_hex(make_http_response(http_status::ok)) == text_hex(established));
  BOOST_TEST(to_hex(make_http_response(http_status::proxy_auth_required))
             == text_hex(auth_required));
  BOOST_TEST(int(to_http_status(dial_error::timeout)) == 504);
  BOOST_TEST(int(to_http_status(dial_error::policy)) == 403);
  BOOST_TEST(int(to_http_status(dial_error::refused)) == 502);
  BOOST_TEST(to_string(http_state::headers) == "headers");
  BOOST_TEST(to_string(http_errc::headers_too_large) == "headers_too_large");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(proxy_base64)

BOOST_AUTO_TEST_CASE(rfc4648_vectors) {
  // RFC 4648 §10.
  std::vector<std::pair<std::string, std::string>> v = {{"", ""},
                                                        {"f", "Zg=="},
                                                        {"fo", "Zm8="},
                                                        {"foo", "Zm9v"},
                                                        {"foob", "Zm9vYg=="},
                                                        {"fooba", "Zm9vYmE="},
                                                        {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, enc] : v) {
    BOOST_TEST(base64_encode(plain) == enc);
    auto dec = base64_decode(enc);
    BOOST_REQUIRE(dec.has_value());
    BOOST_TEST(*dec == plain);
  }
  // RFC 7617 §2's example.
  BOOST_TEST(base64_encode("Aladdin:open sesame") == "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

BOOST_AUTO_TEST_CASE(unpadded_is_accepted) {
  BOOST_TEST(*base64_decode("Zg") == "f");
  BOOST_TEST(*base64_decode("Zm8") == "fo");
}

BOOST_AUTO_TEST_CASE(rejects) {
  for (std::string bad : {"Z", "Zg=", "Z===", "====", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n",
                          "Zg==Zg==", "=Zg=", "Zm-v", "Zm_v", "Zm9vY"}) {
    BOOST_TEST_CONTEXT("'" << bad << "'") {
      BOOST_TEST(!base64_decode(bad).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(every_byte_round_trips) {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); n += 37)
    BOOST_TEST(*base64_decode(base64_encode(all.substr(0, n))) == all.substr(0, n));
}

BOOST_AUTO_TEST_SUITE_END()
