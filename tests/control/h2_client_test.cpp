// HTTP/2 with prior knowledge on nghttp2's memory API (control/h2_client.hpp; tailscale-protocol
// §2.6, trap #5; dependencies.md §5), against an in-process nghttp2 server (h2_test_server.hpp):
// a POST with a body, a 200 kB response (WINDOW_UPDATE exercised with small windows), a streaming
// response delivered in pieces, cancellation, resets and protocol errors.
#include <boost/test/unit_test.hpp>

#include "control/h2_client.hpp"
#include "tests/control/h2_test_server.hpp"
#include "tests/control/test_util.hpp"

using namespace tsnode;
using namespace tsnode::control;

namespace {

/// A client and a server wired back to back, with everything each side receives recorded.
struct pair {
  h2_client client;
  test::h2_test_server server;
  std::vector<h2_event> events;
  std::size_t chunk = 0; ///< deliver server bytes in chunks of this size (0 = at once)

  explicit pair(h2_settings s = {})
    : client(std::get<h2_client>(h2_client::create(s))) {}

  /// Moves bytes both ways until neither side has anything to say.
  void pump() {
    for (int round = 0; round < 10000; ++round) {
      auto out = std::get<byte_buffer>(client.take_output());
      if (!out.empty())
        BOOST_REQUIRE(server.receive(out));
      auto back = server.output();
      if (!back.empty())
        test::feed_chunked(back, chunk, [&](byte_view b) { BOOST_REQUIRE(!client.receive(b)); });
      for (auto& e : client.take_events())
        events.push_back(std::move(e));
      if (out.empty() && back.empty())
        return;
    }
    BOOST_FAIL("pump did not settle");
  }

  const h2_response_head* head(stream_id s) const {
    for (auto& e : events)
      if (auto* h = std::get_if<h2_response_head>(&e); h && h->stream == s)
        return h;
    return nullptr;
  }
  byte_buffer body(stream_id s) const {
    byte_buffer out;
    for (auto& e : events)
      if (auto* d = std::get_if<h2_data>(&e); d && d->stream == s)
        out.insert(out.end(), d->bytes.begin(), d->bytes.end());
    return out;
  }
  const h2_stream_end* end(stream_id s) const {
    for (auto& e : events)
      if (auto* x = std::get_if<h2_stream_end>(&e); x && x->stream == s)
        return x;
    return nullptr;
  }
  stream_id submit(h2_request r) {
    auto id = client.submit(r);
    BOOST_REQUIRE(std::holds_alternative<stream_id>(id));
    return std::get<stream_id>(id);
  }
};

byte_buffer pattern(std::size_t n) {
  byte_buffer out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<std::uint8_t>(i % 251);
  return out;
}

h2_request post(std::string path, byte_buffer body) {
  return h2_request{"POST",
                    std::move(path),
                    "127.0.0.1:8080",
                    "https",
                    {{"Content-Type", "application/json"}},
                    std::move(body)};
}

} // namespace

BOOST_AUTO_TEST_SUITE(control_h2_client)

BOOST_AUTO_TEST_CASE(first_output_is_the_prior_knowledge_preface) {
  auto c = std::get<h2_client>(h2_client::create());
  auto out = std::get<byte_buffer>(c.take_output());
  std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  BOOST_REQUIRE(out.size() > preface.size() + 9);
  BOOST_TEST(std::string(out.begin(), out.begin() + 24) == preface);
  BOOST_TEST(out[24 + 3] == 0x04); // then our SETTINGS frame
  BOOST_TEST(c.is_open());
}

BOOST_AUTO_TEST_CASE(post_with_body_and_json_answer) {
  pair p;
  std::string answer = R"({"MachineAuthorized":true})";
  p.server.respond("/machine/register", 200, byte_buffer(answer.begin(), answer.end()));
  std::string req = R"({"Version":130})";
  auto id = p.submit(post("/machine/register", byte_buffer(req.begin(), req.end())));
  p.pump();

  BOOST_REQUIRE_EQUAL(p.server.requests.size(), 1u);
  auto& r = p.server.requests[0];
  BOOST_TEST(r.complete);
  BOOST_TEST(r.headers.at(":method") == "POST");
  BOOST_TEST(r.headers.at(":path") == "/machine/register");
  BOOST_TEST(r.headers.at(":scheme") == "https");
  BOOST_TEST(r.headers.at(":authority") == "127.0.0.1:8080");
  BOOST_TEST(r.headers.at("content-type") == "application/json"); // lowercased
  BOOST_TEST(r.headers.at("content-length") == std::to_string(req.size()));
  BOOST_TEST(std::string(r.body.begin(), r.body.end()) == req);

  BOOST_REQUIRE(p.head(id));
  BOOST_TEST(p.head(id)->status == 200);
  auto body = p.body(id);
  BOOST_TEST(std::string(body.begin(), body.end()) == answer);
  BOOST_REQUIRE(p.end(id));
  BOOST_TEST(p.end(id)->complete);
  BOOST_TEST(p.end(id)->error_code == 0u);
}

BOOST_AUTO_TEST_CASE(large_response_with_default_and_small_windows) {
  auto big = pattern(200 * 1024);
  for (auto settings :
       {h2_settings{}, h2_settings{65535, 65535, 100}, h2_settings{16384, 65535, 1}}) {
    pair p{settings};
    p.chunk = 1000;
    p.server.respond("/big", 200, big);
    auto id = p.submit(h2_request{"GET", "/big", "example", "https", {}, {}});
    p.pump();
    BOOST_TEST(p.body(id) == big);
    BOOST_REQUIRE(p.end(id));
    BOOST_TEST(p.end(id)->complete);
    // The response exceeds the window: the client must have granted more on its own.
    if (settings.stream_window < big.size())
      BOOST_TEST(p.server.window_updates > 0);
  }
}

BOOST_AUTO_TEST_CASE(streaming_response_arrives_in_pieces) {
  pair p;
  p.server.respond("/machine/map", 200, {}, true);
  auto id = p.submit(post("/machine/map", byte_buffer{'{', '}'}));
  p.pump();
  BOOST_REQUIRE(p.head(id));
  BOOST_TEST(p.body(id).empty());
  BOOST_TEST(!p.end(id));

  byte_buffer expected;
  for (int i = 0; i < 5; ++i) {
    auto piece = pattern(1000 + 4000 * static_cast<std::size_t>(i));
    p.server.push(id, piece);
    expected.insert(expected.end(), piece.begin(), piece.end());
    p.events.clear();
    p.pump();
    BOOST_TEST(p.body(id) == piece, "piece " << i); // each piece as soon as it is sent
    BOOST_TEST(!p.end(id));
  }
  p.server.finish(id);
  p.events.clear();
  p.pump();
  BOOST_REQUIRE(p.end(id));
  BOOST_TEST(p.end(id)->complete);
}

BOOST_AUTO_TEST_CASE(concurrent_streams_share_the_session) {
  pair p;
  p.server.respond("/machine/map", 200, {}, true);
  p.server.respond("/machine/register", 200, byte_buffer{'o', 'k'});
  auto map = p.submit(post("/machine/map", {}));
  p.pump();
  auto reg = p.submit(post("/machine/register", byte_buffer{'x'}));
  p.server.push(map, pattern(10));
  p.pump();
  BOOST_TEST(p.body(reg) == (byte_buffer{'o', 'k'}));
  BOOST_TEST(p.end(reg)->complete);
  BOOST_TEST(p.body(map) == pattern(10));
  BOOST_TEST(!p.end(map));
  BOOST_TEST(reg != map);
}

BOOST_AUTO_TEST_CASE(cancel_and_server_reset_end_streams_incomplete) {
  pair p;
  p.server.respond("/machine/map", 200, {}, true);
  auto a = p.submit(post("/machine/map", {}));
  auto b = p.submit(post("/machine/map", {}));
  p.pump();
  p.client.cancel(a);
  p.server.reset(b, NGHTTP2_INTERNAL_ERROR);
  p.pump();
  BOOST_REQUIRE(p.end(a));
  BOOST_TEST(!p.end(a)->complete);
  BOOST_TEST(p.end(a)->error_code == static_cast<std::uint32_t>(NGHTTP2_CANCEL));
  BOOST_REQUIRE(p.end(b));
  BOOST_TEST(!p.end(b)->complete);
  BOOST_TEST(p.end(b)->error_code == static_cast<std::uint32_t>(NGHTTP2_INTERNAL_ERROR));
}

BOOST_AUTO_TEST_CASE(unknown_path_gives_its_status) {
  pair p;
  auto id = p.submit(post("/machine/whoami", {}));
  p.pump();
  BOOST_REQUIRE(p.head(id));
  BOOST_TEST(p.head(id)->status == 404);
  BOOST_TEST(p.end(id)->complete);
}

BOOST_AUTO_TEST_CASE(garbage_from_the_server_is_a_protocol_error) {
  auto c = std::get<h2_client>(h2_client::create());
  (void)c.take_output();
  std::string junk = "HTTP/1.1 400 Bad Request\r\n\r\n";
  auto err = c.receive(as_bytes(junk));
  BOOST_REQUIRE(err);
  BOOST_TEST(err->code == control_errc::http2_protocol);
}

BOOST_AUTO_TEST_CASE(goaway_is_reported_and_closes_the_session) {
  pair p;
  p.pump();
  // The server says goodbye: GOAWAY (type 7, 8-byte payload), last stream 0, NO_ERROR.
  byte_buffer goaway{0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  BOOST_REQUIRE(!p.client.receive(goaway));
  auto events = p.client.take_events();
  BOOST_REQUIRE_EQUAL(events.size(), 1u);
  BOOST_TEST(std::holds_alternative<h2_goaway>(events[0]));
  auto r = p.client.submit(post("/machine/map", {}));
  BOOST_TEST(std::holds_alternative<control_error>(r));
}

BOOST_AUTO_TEST_CASE(shutdown_lets_open_streams_finish) {
  pair p;
  p.server.respond("/machine/map", 200, {}, true);
  auto id = p.submit(post("/machine/map", {}));
  p.pump();
  p.client.shutdown();
  p.pump();
  BOOST_TEST(std::holds_alternative<control_error>(p.client.submit(post("/machine/map", {}))));
  p.server.push(id, pattern(5));
  p.server.finish(id);
  p.pump();
  BOOST_TEST(p.body(id) == pattern(5));
  BOOST_TEST(p.end(id)->complete);
}

BOOST_AUTO_TEST_SUITE_END()
