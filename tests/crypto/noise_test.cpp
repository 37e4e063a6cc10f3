// The ts2021 control handshake (Noise_IK_25519_ChaChaPoly_BLAKE2s, tailscale-protocol.md §2.3,
// §2.4) driven through crypto::symmetric_state, byte-exact against
// ../shared/vectors/ts2021-derp-disco.txt ("== controlbase handshake", protocol version 130),
// whose handshake part ../shared/vectors/check_vectors.py re-derives independently in Python.
#include <boost/test/unit_test.hpp>

#include "crypto/aead.hpp"
#include "crypto/noise.hpp"
#include "crypto/x25519.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::crypto;
using tsnode::test::filled;
using tsnode::test::hex;
using tsnode::test::hex_of;

namespace {

constexpr std::uint16_t version = 130;
const char* initiation_hex
  = "00820100605dfedd3b6bd47f6fa28ee15d969d5bb0ea53774d488bdaf9df1c6e0124b3ef224391bcfef3f1b0f05187"
    "3c2103356110f8056ef928c4354783347c74dc7b71b70e0f5b50a56719be803c073b63f66f6dda6b55c897c58f4105"
    "5a914436219188";
const char* response_hex = "020030ac01b2209e86354fb853237b5de0f4fab13c7fcbf433a61c019369617fecf1"
                           "0b70ed2feb738975e5fa3438f6799c5393";

/// Returns a ts2021 record: type 4, big-endian length, ChaCha20-Poly1305 with a big-endian
/// counter nonce (tailscale-protocol.md §0.1, §2.4).
byte_buffer record(const key32& k, std::uint64_t counter, std::string_view plaintext) {
  byte_buffer out(3 + plaintext.size() + aead_tag_size);
  out[0] = 4;
  store_be16(out.data() + 1, static_cast<std::uint16_t>(plaintext.size() + aead_tag_size));
  seal(k, nonce_be64(counter), {}, as_bytes(plaintext), std::span{out}.subspan(3));
  return out;
}

key32 dh(const secret<32>& priv, const byte_array<32>& pub) {
  auto r = x25519(priv, pub);
  BOOST_REQUIRE(r);
  return std::move(*r);
}

} // namespace

BOOST_AUTO_TEST_SUITE(crypto_noise)

BOOST_AUTO_TEST_CASE(ts2021_handshake_vectors) {
  secret<32> machine{filled<32>(0x01)};
  secret<32> control{filled<32>(0x02)};
  secret<32> client_eph{filled<32>(0x03)};
  secret<32> server_eph{filled<32>(0x04)};
  auto machine_pub = x25519_public(machine);
  auto control_pub = x25519_public(control);
  auto client_eph_pub = x25519_public(client_eph);
  auto server_eph_pub = x25519_public(server_eph);
  BOOST_TEST(hex_of(machine_pub)
             == "a4e09292b651c278b9772c569f5fa9bb13d906b46ab68c9df9dc2b4409f8a209");
  BOOST_TEST(hex_of(control_pub)
             == "ce8d3ad1ccb633ec7b70c17814a5c76ecd029685050d344745ba05870e587d59");

  // -- initiator: -> e, es, s, ss -------------------------------------------------------------
  symmetric_state ss{"Noise_IK_25519_ChaChaPoly_BLAKE2s"};
  BOOST_TEST(hex_of(ss.hash())
             == "bbea022b948cf3bc5857d70804229179e1116bc40cb8cc074835349c464bca36");
  BOOST_TEST(hex_of(ss.chaining_key().view()) == hex_of(ss.hash()));
  ss.mix_hash(as_bytes("Tailscale Control Protocol v130"));
  BOOST_TEST(hex_of(ss.hash())
             == "ddf32b89f0047f9724b0e3f6b5df5a6cf9015ff03967e9de0aaaea87ca63fe82");
  ss.mix_hash(control_pub); // <- s (pre-message)
  BOOST_TEST(hex_of(ss.hash())
             == "8d63b69e0a82f9fb2316c93ab5405f27dfb1378368a74bf81186b2f9b37e0d03");

  byte_buffer init(5);
  store_be16(init.data(), version);
  init[2] = 1; // initiation
  store_be16(init.data() + 3, 96);
  ss.mix_hash(client_eph_pub);
  BOOST_TEST(hex_of(ss.hash())
             == "81b169bccd3d18e7831a72247b3686ef52c15c648dff548abc5d9459231c2a3f");
  init.insert(init.end(), client_eph_pub.begin(), client_eph_pub.end());
  auto k = ss.mix_key(dh(client_eph, control_pub).view());
  BOOST_TEST(hex_of(ss.chaining_key().view())
             == "c7b937efd5f29a811b317ba638f98a938dd827895e0839849d105f6a69a3ef2d");
  auto enc_s = ss.encrypt_and_hash(k, machine_pub);
  BOOST_TEST(hex_of(ss.hash())
             == "63c8c0531877c8cd9784e7589f20516b650ea3033b4d845c0623a3fbffcdd79e");
  init.insert(init.end(), enc_s.begin(), enc_s.end());
  k = ss.mix_key(dh(machine, control_pub).view());
  BOOST_TEST(hex_of(ss.chaining_key().view())
             == "4b5e12a0d957064d65d0f1553e97744698faf23f932896df4ae40cc38f11413a");
  auto tag = ss.encrypt_and_hash(k, {});
  BOOST_TEST(hex_of(ss.hash())
             == "6bc04fbc2e601aaba363cfc4da4232e692d8c0b13f293a4b7383faf5bcac4cf4");
  init.insert(init.end(), tag.begin(), tag.end());
  BOOST_CHECK_EQUAL(init.size(), 101u);
  BOOST_TEST(hex_of(init) == initiation_hex);

  // -- initiator reads the response: <- e, ee, se ----------------------------------------------
  auto resp = hex(response_hex);
  BOOST_REQUIRE_EQUAL(resp.size(), 51u);
  BOOST_CHECK_EQUAL(resp[0], 2);
  BOOST_CHECK_EQUAL(load_be16(resp.data() + 1), 48);
  byte_array<32> resp_eph;
  std::copy_n(resp.begin() + 3, 32, resp_eph.begin());
  BOOST_TEST(hex_of(resp_eph) == hex_of(server_eph_pub));
  ss.mix_hash(resp_eph);
  ss.mix_key(dh(client_eph, resp_eph).view());
  BOOST_TEST(hex_of(ss.chaining_key().view())
             == "27ab917a3054f58e0d99a0c4a76f229285bef64b6c7a60cc2016459d6162db10");
  k = ss.mix_key(dh(machine, resp_eph).view());
  BOOST_TEST(hex_of(ss.chaining_key().view())
             == "1a6773948de047e246f6532b135bf436e15a53dd5cc0bb5b5292169d9abfdb6a");
  auto payload = ss.decrypt_and_hash(k, byte_view{resp.data() + 35, 16});
  BOOST_REQUIRE(payload);
  BOOST_CHECK(payload->empty());
  BOOST_TEST(hex_of(ss.hash())
             == "bc8a8f7496c69c0fb399e329941c040f4e94afc88a44e5a7505f4afcd2a3a376");

  auto keys = ss.split();
  BOOST_TEST(hex_of(keys.first.view())
             == "8b63a17b3027c853ffcfea99dae9d090a15504924d85f87dedb5f6f99e53f853");
  BOOST_TEST(hex_of(keys.second.view())
             == "9b40738cc543c05f5ebd16dac9b12211c6e9edbb42385d92c47bd6def1f318ae");

  // -- transport records: big-endian counters (a little-endian one fails at 1 and 256) --------
  BOOST_TEST(hex_of(record(keys.first, 0, "hello"))
             == "0400157e9a0710d65c099d90855ea7bedaf383351791424d");
  BOOST_TEST(hex_of(record(keys.first, 1, "hello"))
             == "040015a084b51a34fb4b9e9ea7bda3ff9feeceffe03d1645");
  BOOST_TEST(hex_of(record(keys.first, 256, "hello"))
             == "04001511bcd92591d12181a11eed2ea646dee3d848a924e1");
  BOOST_TEST(hex_of(record(keys.second, 0, "world"))
             == "0400150dd279374f4a5230696a9fe7d672af5c494e2d29ba");
}

BOOST_AUTO_TEST_CASE(decrypt_and_hash_rejects_tampering_without_touching_h) {
  symmetric_state a{"Noise_IK_25519_ChaChaPoly_BLAKE2s"};
  symmetric_state b{"Noise_IK_25519_ChaChaPoly_BLAKE2s"};
  auto ka = a.mix_key(as_bytes("dh"));
  auto kb = b.mix_key(as_bytes("dh"));
  auto ct = a.encrypt_and_hash(ka, as_bytes("payload"));
  auto before = b.hash();
  ct[0] ^= 1;
  BOOST_CHECK(!b.decrypt_and_hash(kb, ct));
  BOOST_CHECK(b.hash() == before);
  ct[0] ^= 1;
  auto pt = b.decrypt_and_hash(kb, ct);
  BOOST_REQUIRE(pt);
  BOOST_CHECK(a.hash() == b.hash());
  BOOST_CHECK(!b.decrypt_and_hash(kb, byte_view{ct.data(), 3})); // shorter than a tag
}

BOOST_AUTO_TEST_SUITE_END()
