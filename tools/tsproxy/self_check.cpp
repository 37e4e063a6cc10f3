#include "tools/tsproxy/self_check.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <exception>

#include "crypto/aead.hpp"
#include "crypto/blake2s.hpp"
#include "crypto/keys.hpp"
#include "crypto/random.hpp"
#include "crypto/x25519.hpp"

extern "C" {
#include "lwip/init.h"
#include "lwip/tcp.h"
}

namespace tsnode::tools {

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;

check_result check_x25519() {
  // RFC 7748 §6.1, Alice and Bob.
  auto a = from_hex_array<32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  auto b = from_hex_array<32>("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  crypto::secret<32> alice{*a}, bob{*b};
  auto k = crypto::x25519(alice, crypto::x25519_public(bob));
  bool ok
    = k && to_hex(k->view()) == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  return {"x25519 (RFC 7748 §6.1)", ok, ok ? "shared secret matches" : "WRONG shared secret"};
}

check_result check_aead() {
  // Seal and open one WireGuard-sized packet, then prove a flipped bit is refused.
  crypto::key32 key{byte_array<32>{1}};
  byte_buffer pt(1280, 0x5a);
  auto sealed = crypto::seal(key, crypto::nonce_le64(1), {}, pt);
  byte_buffer out(pt.size());
  bool ok = crypto::open(key, crypto::nonce_le64(1), {}, sealed, out) && out == pt;
  sealed[7] ^= 1;
  ok = ok && !crypto::open(key, crypto::nonce_le64(1), {}, sealed, out);
  return {"chacha20-poly1305", ok, ok ? "seal/open/tamper ok" : "AEAD misbehaves"};
}

check_result check_blake2s() {
  // RFC 7693 Appendix B.
  bool ok = to_hex(crypto::blake2s(as_bytes("abc")))
            == "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982";
  return {"blake2s (RFC 7693 App. B)", ok, ok ? "digest matches" : "WRONG digest"};
}

check_result check_random() {
  auto& rng = crypto::system_random::instance();
  auto k1 = crypto::node_private::generate(rng);
  auto k2 = crypto::node_private::generate(rng);
  bool ok = k1.public_key() != k2.public_key();
  return {"csprng + node keys", ok,
          ok ? "two fresh node keys differ: " + k1.public_key().to_text().substr(0, 16) + "…"
             : "RNG repeated itself"};
}

check_result check_actors() {
  try {
    caf::actor_system_config cfg;
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.set("logger.console", caf::atom("none"));
    caf::actor_system sys{cfg};
    auto echo = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
      return {[](ping_atom, int x) { return x + 1; }};
    });
    caf::scoped_actor self{sys};
    int got = 0;
    self->request(echo, std::chrono::seconds(5), ping_atom::value, 41)
      .receive([&](int x) { got = x; }, [&](caf::error&) { got = -1; });
    self->send_exit(echo, caf::exit_reason::user_shutdown);
    bool ok = got == 42;
    return {"actor runtime (CAF 0.17)", ok, ok ? "request answered" : "no answer"};
  } catch (const std::exception& e) {
    return {"actor runtime (CAF 0.17)", false, e.what()};
  }
}

check_result check_lwip() {
  lwip_init();
  auto* pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
  bool ok = pcb != nullptr;
  if (pcb)
    tcp_abort(pcb);
  return {"lwIP " LWIP_VERSION_STRING " (NO_SYS, own lwipopts.h)", ok,
          ok ? "stack initialised, TCP pcb allocated" : "tcp_new failed"};
}

} // namespace

std::vector<check_result> run_self_check() {
  return {check_x25519(), check_aead(),   check_blake2s(),
          check_random(), check_actors(), check_lwip()};
}

} // namespace tsnode::tools
