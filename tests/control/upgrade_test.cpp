// The HTTP/1.1 switch to ts2021 (control/upgrade.hpp; tailscale-protocol.md §2.2): the request
// head with the vectors' initiation, and the response head read exactly to its end.
#include <boost/test/unit_test.hpp>

#include "control/upgrade.hpp"
#include "crypto/base64.hpp"
#include "tests/control/test_util.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::control;
namespace v = tsnode::test::ts2021;

namespace {

const std::string ok_head = "HTTP/1.1 101 Switching Protocols\r\n"
                            "Connection: upgrade\r\n"
                            "Upgrade: tailscale-control-protocol\r\n"
                            "\r\n";

/// Returns the error of a step, or nullopt.
std::optional<control_error> error_of(const upgrade_step& s) {
  if (auto* e = std::get_if<control_error>(&s))
    return *e;
  return std::nullopt;
}

} // namespace

BOOST_AUTO_TEST_SUITE(control_upgrade)

BOOST_AUTO_TEST_CASE(request_carries_the_initiation) {
  auto init = test::hex_array<initiation_size>(v::initiation);
  auto req = upgrade_request("127.0.0.1:8080", init);
  auto b64 = crypto::base64_encode(init);
  BOOST_TEST(b64.size() == 136u); // §2.2
  BOOST_TEST(req
             == "POST /ts2021 HTTP/1.1\r\n"
                "Host: 127.0.0.1:8080\r\n"
                "User-Agent: tsnode\r\n"
                "Upgrade: tailscale-control-protocol\r\n"
                "Connection: upgrade\r\n"
                "X-Tailscale-Handshake: "
                  + b64
                  + "\r\n"
                    "Content-Length: 0\r\n\r\n");
  BOOST_TEST((crypto::base64_decode(b64) == std::optional<byte_buffer>{test::hex(v::initiation)}));
}

BOOST_AUTO_TEST_CASE(head_is_read_exactly_to_its_end) {
  auto bytes = byte_buffer(ok_head.begin(), ok_head.end());
  auto resp = test::hex(v::response);
  bytes.insert(bytes.end(), resp.begin(), resp.end());
  for (std::size_t chunk : {0, 1, 2, 7}) {
    upgrade_response_reader r;
    std::size_t fed = 0, surplus = 0;
    bool done = false;
    test::feed_chunked(bytes, chunk, [&](byte_view b) {
      if (done) {
        surplus += b.size();
        return;
      }
      auto step = r.feed(b);
      BOOST_REQUIRE(!error_of(step));
      if (auto* d = std::get_if<upgrade_done>(&step)) {
        done = true;
        surplus += b.size() - d->consumed;
        fed += d->consumed;
      } else {
        fed += b.size();
      }
    });
    BOOST_TEST(done);
    BOOST_TEST(fed == ok_head.size(), "chunk " << chunk);
    BOOST_TEST(surplus == resp.size());
    BOOST_TEST(r.status() == 101);
  }
}

BOOST_AUTO_TEST_CASE(header_names_are_case_insensitive) {
  upgrade_response_reader r;
  auto step
    = r.feed(as_bytes("HTTP/1.1 101 Switching Protocols\r\nupgrade:tailscale-control-protocol"
                      " \r\nconnection: Upgrade\r\n\r\n"));
  BOOST_TEST(std::holds_alternative<upgrade_done>(step));
}

BOOST_AUTO_TEST_CASE(refusals_and_garbage) {
  {
    upgrade_response_reader r;
    auto e = error_of(r.feed(as_bytes("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n"
                                      "missing Tailscale handshake header\n")));
    BOOST_REQUIRE(e);
    BOOST_TEST(e->code == control_errc::upgrade_refused);
    BOOST_TEST(e->detail == "HTTP 400 Bad Request");
    BOOST_TEST(r.status() == 400);
    BOOST_TEST(error_of(r.feed(as_bytes("x")))->code == control_errc::finished);
  }
  {
    upgrade_response_reader r;
    auto e = error_of(
      r.feed(as_bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")));
    BOOST_REQUIRE(e);
    BOOST_TEST(e->code == control_errc::upgrade_refused);
  }
  for (auto bad : {"SSH-2.0-OpenSSH\r\n\r\n", "HTTP/2 101\r\n\r\n", "HTTP/1.1 1O1 x\r\n\r\n",
                   "HTTP/1.1 1011\r\n\r\n", "\r\n\r\n"}) {
    upgrade_response_reader r;
    auto e = error_of(r.feed(as_bytes(bad)));
    BOOST_REQUIRE_MESSAGE(e, bad);
    BOOST_TEST(e->code == control_errc::bad_upgrade_response, bad);
  }
  {
    upgrade_response_reader r;
    std::string endless = "HTTP/1.1 101 Switching Protocols\r\nX: " + std::string(20000, 'a');
    auto e = error_of(r.feed(as_bytes(endless)));
    BOOST_REQUIRE(e);
    BOOST_TEST(e->code == control_errc::bad_upgrade_response);
  }
}

BOOST_AUTO_TEST_SUITE_END()
