// The whole client side of one control connection, in memory and in the order the shell runs
// it (control/README.md "How the shell drives it"; style.md §5.17): upgrade -> Noise IK ->
// records -> early payload -> HTTP/2 -> register -> streaming map poll with zstd messages ->
// netmap. The server is tests/control/ts2021_test_server.hpp (a responder written from the
// spec) around the in-process nghttp2 server. With the vectors' keys the responder's answer is
// the vectors' response, so both ends agree with ../shared/vectors/ts2021-derp-disco.txt.
#include <boost/test/unit_test.hpp>

#include <zstd.h>

#include "control/early_payload.hpp"
#include "control/h2_client.hpp"
#include "control/map_stream.hpp"
#include "control/netmap.hpp"
#include "control/noise_ik.hpp"
#include "control/record.hpp"
#include "control/requests.hpp"
#include "control/upgrade.hpp"
#include "tests/control/test_util.hpp"
#include "tests/control/ts2021_test_server.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::control;
using tsnode::test::filled;
namespace v = tsnode::test::ts2021;

namespace {

/// The client's pipeline after the handshake, as the shell will hold it.
struct client_conn {
  record_writer writer;
  record_reader reader;
  early_payload_stripper strip;
  h2_client h2 = std::get<h2_client>(h2_client::create());
  std::vector<h2_event> events;
  std::optional<early_noise> early;

  /// Socket bytes in: records -> plaintext -> early payload -> HTTP/2.
  void from_server(byte_view bytes) {
    auto r = reader.feed(bytes);
    BOOST_REQUIRE(!r.error);
    auto e = strip.feed(r.plaintext);
    BOOST_REQUIRE(!e.error);
    if (e.payload)
      early = e.payload;
    if (!e.http2.empty())
      BOOST_REQUIRE(!h2.receive(e.http2));
    for (auto& ev : h2.take_events())
      events.push_back(std::move(ev));
  }
  /// HTTP/2 out: sealed into records for the socket.
  byte_buffer to_server() {
    auto plain = std::get<byte_buffer>(h2.take_output());
    // Sending can close streams too (our RST_STREAM after cancel()): collect events here too.
    for (auto& ev : h2.take_events())
      events.push_back(std::move(ev));
    if (plain.empty())
      return {};
    return std::get<byte_buffer>(writer.seal(plain));
  }
};

/// Moves bytes between client and server until both are quiet.
void pump(client_conn& c, test::ts2021_test_server& s) {
  for (int i = 0; i < 1000; ++i) {
    auto up = c.to_server();
    auto down = up.empty() ? s.seal_h2_output() : s.exchange(up);
    BOOST_REQUIRE(!s.broken);
    if (!down.empty())
      c.from_server(down);
    if (up.empty() && down.empty())
      return;
  }
  BOOST_FAIL("pump did not settle");
}

byte_buffer body_of(const client_conn& c, stream_id id) {
  byte_buffer out;
  for (auto& e : c.events)
    if (auto* d = std::get_if<h2_data>(&e); d && d->stream == id)
      out.insert(out.end(), d->bytes.begin(), d->bytes.end());
  return out;
}

byte_buffer zstd_message(std::string_view json) {
  byte_buffer z(ZSTD_compressBound(json.size()));
  z.resize(ZSTD_compress(z.data(), z.size(), json.data(), json.size(), 3));
  byte_buffer out(4 + z.size());
  store_le32(out.data(), static_cast<std::uint32_t>(z.size()));
  std::copy(z.begin(), z.end(), out.begin() + 4);
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(control_session)

BOOST_AUTO_TEST_CASE(register_then_stream_the_netmap) {
  // -- keys of the vectors: machine 01, control 02, client ephemeral 03, server ephemeral 04 --
  crypto::machine_private machine{filled<32>(0x01)};
  crypto::machine_public server_key{test::hex_array<32>(v::control_pub)};
  test::ts2021_test_server server{crypto::secret<32>{filled<32>(0x02)},
                                  crypto::secret<32>{filled<32>(0x04)}, capability_version};

  // -- client -> server: POST /ts2021 with the initiation -------------------------------------
  auto hs = std::get<noise_ik_client>(noise_ik_client::start(
    machine, server_key, capability_version, crypto::secret<32>{filled<32>(0x03)}));
  auto request = upgrade_request("127.0.0.1:8080", hs.initiation());
  auto answer = server.accept(request);
  BOOST_REQUIRE(!answer.empty());
  BOOST_TEST(server.client_machine_key->to_text() == machine.public_key().to_text());
  BOOST_TEST(test::hex_of(server.noise_response) == v::response); // the vector, from the spec

  // -- server -> client, in 3-byte pieces: 101 head, Noise response, records -------------------
  upgrade_response_reader up;
  std::optional<transport_keys> keys;
  byte_buffer after_handshake;
  bool switched = false;
  test::feed_chunked(answer, 3, [&](byte_view b) {
    if (!switched) {
      auto step = up.feed(b);
      BOOST_REQUIRE(!std::holds_alternative<control_error>(step));
      auto* d = std::get_if<upgrade_done>(&step);
      if (!d)
        return;
      switched = true;
      b = b.subspan(d->consumed);
    }
    if (!keys) {
      auto step = hs.feed(b);
      BOOST_REQUIRE(!std::holds_alternative<control_error>(step));
      auto* done = std::get_if<handshake_complete>(&step);
      if (!done)
        return;
      keys = std::move(done->keys);
      b = b.subspan(done->consumed);
    }
    after_handshake.insert(after_handshake.end(), b.begin(), b.end());
  });
  BOOST_REQUIRE(keys);
  BOOST_TEST(test::hex_of(keys->send.view()) == v::k1);
  BOOST_TEST(test::hex_of(keys->receive.view()) == v::k2);

  client_conn c{record_writer{std::move(keys->send)}, record_reader{std::move(keys->receive)}};
  c.from_server(after_handshake);
  BOOST_REQUIRE(c.early);
  BOOST_TEST(c.early->node_key_challenge->to_text() == "chalpub:" + std::string(64, '5'));

  // -- register with a pre-auth key -----------------------------------------------------------
  auto reg_json = test::fixture("register_authkey.json");
  server.h2.respond("/machine/register", 200, byte_buffer(reg_json.begin(), reg_json.end()));
  register_request reg;
  reg.node_key = crypto::node_public{filled<32>(0x05)};
  reg.auth_key = "hskey-auth-test";
  reg.info.hostname = "tsnode-a";
  auto body = std::get<std::string>(to_json(reg));
  auto reg_id = std::get<stream_id>(c.h2.submit(h2_request{"POST",
                                                           "/machine/register",
                                                           "127.0.0.1:8080",
                                                           "https",
                                                           {},
                                                           byte_buffer(body.begin(), body.end())}));
  pump(c, server);
  auto& seen = server.h2.requests.at(0);
  BOOST_TEST(std::string(seen.body.begin(), seen.body.end()) == body);
  auto reg_body = body_of(c, reg_id);
  auto outcome = classify(std::get<register_response>(
    parse_register_response(std::string(reg_body.begin(), reg_body.end()))));
  BOOST_TEST(std::holds_alternative<registered>(outcome));

  // -- the streaming map poll, zstd -----------------------------------------------------------
  server.h2.respond("/machine/map", 200, {}, true);
  map_request mr;
  mr.node_key = reg.node_key;
  mr.disco_key = crypto::disco_public{filled<32>(0x0a)};
  mr.stream = true;
  mr.keep_alive = true;
  mr.compress = map_compression::zstd;
  mr.info.hostname = "tsnode-a";
  mr.info.net = net_info{999, {}, {}, {}};
  auto map_body = std::get<std::string>(to_json(mr));
  auto map_id
    = std::get<stream_id>(c.h2.submit(h2_request{"POST",
                                                 "/machine/map",
                                                 "127.0.0.1:8080",
                                                 "https",
                                                 {},
                                                 byte_buffer(map_body.begin(), map_body.end())}));
  pump(c, server);

  map_stream_reader frames{map_compression::zstd};
  map_session session;
  wall_time now{std::chrono::seconds{1755856800}};
  std::size_t taken = 0;
  std::vector<map_update> updates;
  auto drain = [&] {
    for (; taken < c.events.size(); ++taken) {
      auto* d = std::get_if<h2_data>(&c.events[taken]);
      if (!d || d->stream != map_id)
        continue;
      auto r = frames.feed(d->bytes);
      BOOST_REQUIRE(!r.error);
      for (auto& m : r.messages)
        updates.push_back(std::get<map_update>(session.apply(m, now)));
    }
  };
  for (auto name : {"map_full.json", "map_keepalive.json", "map_delta.json"}) {
    server.h2.push(map_id, zstd_message(test::fixture(name)));
    pump(c, server);
    drain();
  }
  BOOST_REQUIRE_EQUAL(updates.size(), 3u);
  BOOST_TEST((updates[0].what == map_update::kind::full));
  BOOST_TEST((updates[1].what == map_update::kind::keepalive));
  BOOST_TEST((updates[2].what == map_update::kind::delta));
  auto& nm = session.current();
  BOOST_TEST(nm.self->name == "tsnode-a.tailnet.test.");
  BOOST_TEST(nm.magic_dns_suffix() == "tailnet.test");
  BOOST_TEST(nm.peers.size() == 2u);
  BOOST_TEST(nm.peers.at(1).home_derp == 998);

  // -- the shell ends the poll ----------------------------------------------------------------
  c.h2.cancel(map_id);
  pump(c, server);
  auto* end = std::get_if<h2_stream_end>(&c.events.back());
  BOOST_REQUIRE(end);
  BOOST_TEST(end->stream == map_id);
  BOOST_TEST(!end->complete);
  BOOST_TEST(frames.at_boundary());
}

BOOST_AUTO_TEST_SUITE_END()
