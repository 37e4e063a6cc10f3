#pragma once
/// @file
/// The server side of ts2021 for tests: the Noise IK responder (tailscale-protocol.md §2.3,
/// written from the spec with crypto::symmetric_state, independent of control/noise_ik.cpp),
/// the 101 head, the early payload and records, around the in-process HTTP/2 server.

#include <optional>
#include <string>

#include "control/record.hpp"
#include "crypto/base64.hpp"
#include "crypto/noise.hpp"
#include "crypto/x25519.hpp"
#include "tests/control/h2_test_server.hpp"

namespace tsnode::test {

class ts2021_test_server {
public:
  ts2021_test_server(crypto::secret<32> static_key, crypto::secret<32> ephemeral,
                     std::uint16_t version)
    : static_(std::move(static_key))
    , ephemeral_(std::move(ephemeral))
    , version_(version) {}

  h2_test_server h2;
  std::string early_json = R"({"nodeKeyChallenge":"chalpub:)" + std::string(64, '5') + R"("})";
  std::optional<crypto::machine_public> client_machine_key;

  /// Reads the client's HTTP/1.1 upgrade request; returns the 101 head, the Noise response and
  /// the first records (early payload, HTTP/2 SETTINGS), or "" when the request is refused.
  byte_buffer accept(std::string_view request) {
    auto at = request.find("X-Tailscale-Handshake: ");
    if (at == request.npos
        || request.find("Upgrade: tailscale-control-protocol\r\n") == request.npos)
      return {};
    auto b64 = request.substr(at + 23, request.find("\r\n", at) - at - 23);
    auto init = crypto::base64_decode(b64);
    if (!init || init->size() != 101 || load_be16(init->data()) != version_ || (*init)[2] != 1
        || load_be16(init->data() + 3) != 96)
      return {};
    // <- s ... -> e, es, s, ss (responder view).
    crypto::symmetric_state ss{"Noise_IK_25519_ChaChaPoly_BLAKE2s"};
    ss.mix_hash(as_bytes("Tailscale Control Protocol v" + std::to_string(version_)));
    ss.mix_hash(crypto::x25519_public(static_));
    byte_array<32> e;
    std::copy_n(init->begin() + 5, 32, e.begin());
    ss.mix_hash(e);
    auto k = ss.mix_key(crypto::x25519(static_, e)->view());
    auto s = ss.decrypt_and_hash(k, byte_view{*init}.subspan(37, 48));
    if (!s)
      return {};
    byte_array<32> client_static;
    std::copy_n(s->begin(), 32, client_static.begin());
    client_machine_key = crypto::machine_public{client_static};
    k = ss.mix_key(crypto::x25519(static_, client_static)->view());
    if (!ss.decrypt_and_hash(k, byte_view{*init}.subspan(85, 16)))
      return {};
    // <- e, ee, se.
    auto re = crypto::x25519_public(ephemeral_);
    ss.mix_hash(re);
    ss.mix_key(crypto::x25519(ephemeral_, e)->view());
    k = ss.mix_key(crypto::x25519(ephemeral_, client_static)->view());
    auto tag = ss.encrypt_and_hash(k, {});
    auto keys = ss.split();
    receive_.emplace(std::move(keys.first)); // the server reads with k1
    send_.emplace(std::move(keys.second));   // and writes with k2

    std::string head = "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n"
                       "Upgrade: tailscale-control-protocol\r\n\r\n";
    byte_buffer out(head.begin(), head.end());
    byte_buffer resp{2, 0, 48};
    resp.insert(resp.end(), re.begin(), re.end());
    resp.insert(resp.end(), tag.begin(), tag.end());
    out.insert(out.end(), resp.begin(), resp.end());
    noise_response = resp;
    // headscale writes the early payload first, then HTTP/2 (§2.5).
    byte_buffer early{0xff, 0xff, 0xff, 'T', 'S', 0, 0, 0, 0};
    store_be32(early.data() + 5, static_cast<std::uint32_t>(early_json.size()));
    early.insert(early.end(), early_json.begin(), early_json.end());
    auto records = std::get<byte_buffer>(send_->seal(early));
    out.insert(out.end(), records.begin(), records.end());
    auto settings = seal_h2_output();
    out.insert(out.end(), settings.begin(), settings.end());
    return out;
  }

  /// Takes client record bytes; returns the server's answering record bytes. Sets `broken` on
  /// a bad record or HTTP/2 error.
  byte_buffer exchange(byte_view client_bytes) {
    auto r = receive_->feed(client_bytes);
    if (r.error || !h2.receive(r.plaintext))
      broken = true;
    return seal_h2_output();
  }

  /// Returns the pending HTTP/2 output of the server, sealed into records.
  byte_buffer seal_h2_output() {
    auto plain = h2.output();
    if (plain.empty())
      return {};
    return std::get<byte_buffer>(send_->seal(plain));
  }

  byte_buffer noise_response;
  bool broken = false;

private:
  crypto::secret<32> static_;
  crypto::secret<32> ephemeral_;
  std::uint16_t version_;
  std::optional<control::record_writer> send_;
  std::optional<control::record_reader> receive_;
};

} // namespace tsnode::test
