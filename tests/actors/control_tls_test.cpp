// The control connection over https (actors/control/connection.hpp) against a TLS server in this
// process with a self-signed certificate made at test time: with the system's trust store the
// certificate is refused (verification is on, tailscale-protocol.md §2.1); trusting it
// (SSL_CERT_FILE), `GET /key?v=130` and then `POST /ts2021` both arrive over TLS, HTTP/1.1
// without ALPN (trap #19), and the server's 400 comes back as the reason the connection ended.
#include <boost/test/unit_test.hpp>

#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/ssl.hpp>
#include <asio/write.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "actors/control/connection.hpp"
#include "actors/engine/engine.hpp"

using namespace tsnode;
using namespace std::chrono_literals;

namespace {

/// A self-signed certificate for 127.0.0.1, and its PEM file for SSL_CERT_FILE.
struct test_cert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::filesystem::path pem;

  test_cert() {
    key = EVP_EC_gen("P-256");
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    auto* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("tsnode control test"), -1,
                               -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                              std::pair{NID_key_usage, "digitalSignature,keyCertSign"}}) {
      auto* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(cert, key, EVP_sha256());
    std::random_device rd;
    pem = std::filesystem::temp_directory_path()
          / ("tsnode-control-tls-" + std::to_string(rd()) + ".pem");
    auto* f = std::fopen(pem.c_str(), "w");
    PEM_write_X509(f, cert);
    std::fclose(f);
  }
  ~test_cert() {
    std::filesystem::remove(pem);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

/// A TLS server on 127.0.0.1 that serves `/key` once, then answers the next request with 400.
/// It records each request head and whether the client offered ALPN.
class tls_server {
public:
  explicit tls_server(const test_cert& c)
    : ctx_(asio::ssl::context::tls_server)
    , acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    SSL_CTX_use_certificate(ctx_.native_handle(), c.cert);
    SSL_CTX_use_PrivateKey(ctx_.native_handle(), c.key);
    SSL_CTX_set_alpn_select_cb(
      ctx_.native_handle(),
      [](SSL*, const unsigned char**, unsigned char*, const unsigned char*, unsigned, void* arg) {
        static_cast<tls_server*>(arg)->alpn_offered = true;
        return SSL_TLSEXT_ERR_NOACK;
      },
      this);
    port_ = acceptor_.local_endpoint().port();
    server_key_ = "mkey:" + std::string(62, '0') + "09"; // any non-zero key
    thread_ = std::thread([this] { run(); });
  }
  ~tls_server() {
    asio::error_code ec;
    acceptor_.close(ec);
    if (thread_.joinable())
      thread_.join();
  }
  std::uint16_t port() const { return port_; }
  /// Waits for the server thread (it ends after its two connections or a failed handshake), so
  /// that what it recorded may be read.
  void join() {
    if (thread_.joinable())
      thread_.join();
  }

  std::vector<std::string> heads;
  bool alpn_offered = false;
  int handshakes_failed = 0;

private:
  void run() {
    for (int i = 0; i < 2; ++i) {
      asio::ssl::stream<asio::ip::tcp::socket> s{io_, ctx_};
      asio::error_code ec;
      acceptor_.accept(s.next_layer(), ec);
      if (ec)
        return;
      s.handshake(asio::ssl::stream_base::server, ec);
      if (ec) {
        ++handshakes_failed;
        return; // the client refused our certificate
      }
      std::string head;
      asio::read_until(s, asio::dynamic_buffer(head), "\r\n\r\n", ec);
      if (ec)
        return;
      heads.push_back(head);
      std::string response;
      if (i == 0) {
        auto body = R"({"legacyPublicKey":"mkey:)" + std::string(64, '0') + R"(","publicKey":")"
                    + server_key_ + "\"}";
        response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                   + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      } else {
        response
          = "HTTP/1.1 400 Bad Request\r\nContent-Length: 27\r\n\r\ninvalid tailscale handshake";
      }
      asio::write(s, asio::buffer(response), ec);
      s.shutdown(ec);
    }
  }

  asio::io_context io_;
  asio::ssl::context ctx_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::string server_key_;
  std::thread thread_;
};

/// Runs one connection to `url` on an engine and returns why it ended (conn_down), or "" when
/// nothing came within 10 s.
std::string run_connection(const std::string& url, bool& saw_up) {
  engine::engine eng;
  eng.start();
  std::mutex mtx;
  std::condition_variable cv;
  std::string why;
  bool done = false;
  auto u = control_io::parse_server_url(url);
  BOOST_REQUIRE(u);
  auto conn = std::make_shared<control_io::connection>(
    eng.io(), *u, crypto::machine_private::generate(crypto::system_random::instance()),
    crypto::system_random::instance(), 5s, [&](control_io::conn_event ev) {
      std::lock_guard<std::mutex> g{mtx};
      if (std::holds_alternative<control_io::conn_up>(ev))
        saw_up = true;
      if (auto* d = std::get_if<control_io::conn_down>(&ev)) {
        why = d->why;
        done = true;
        cv.notify_all();
      }
    });
  eng.post([conn] { conn->start(); });
  {
    std::unique_lock<std::mutex> lk{mtx};
    cv.wait_for(lk, 10s, [&] { return done; });
  }
  eng.post([c = std::move(conn)] { c->close(); });
  eng.stop();
  return why;
}

} // namespace

BOOST_AUTO_TEST_SUITE(control_tls)

BOOST_AUTO_TEST_CASE(an_untrusted_certificate_is_refused) {
  test_cert cert;
  tls_server server{cert};
  ::unsetenv("SSL_CERT_FILE");
  bool up = false;
  auto why = run_connection("https://127.0.0.1:" + std::to_string(server.port()), up);
  server.join();
  BOOST_TEST(!up);
  BOOST_TEST(why.find("TLS with 127.0.0.1:") == 0, why);
  BOOST_TEST(why.find("certificate verify failed") != std::string::npos, why);
  BOOST_TEST(server.heads.empty());
}

BOOST_AUTO_TEST_CASE(key_and_upgrade_go_over_verified_tls_without_alpn) {
  test_cert cert;
  tls_server server{cert};
  ::setenv("SSL_CERT_FILE", cert.pem.c_str(), 1);
  bool up = false;
  auto authority = "127.0.0.1:" + std::to_string(server.port());
  auto why = run_connection("https://" + authority, up);
  ::unsetenv("SSL_CERT_FILE");
  server.join();
  BOOST_TEST(!up);
  BOOST_TEST(why == "POST /ts2021: upgrade_refused: HTTP 400 Bad Request");
  BOOST_REQUIRE_EQUAL(server.heads.size(), 2u);
  BOOST_TEST(server.heads[0].rfind("GET /key?v=130 HTTP/1.1\r\n", 0) == 0, server.heads[0]);
  BOOST_TEST(server.heads[0].find("\r\nHost: " + authority + "\r\n") != std::string::npos);
  BOOST_TEST(server.heads[1].rfind("POST /ts2021 HTTP/1.1\r\n", 0) == 0, server.heads[1]);
  BOOST_TEST(server.heads[1].find("Upgrade: tailscale-control-protocol") != std::string::npos);
  BOOST_TEST(!server.alpn_offered);
  BOOST_TEST(server.handshakes_failed == 0);
}

BOOST_AUTO_TEST_CASE(a_refused_connection_is_reported) {
  asio::io_context io;
  asio::ip::tcp::acceptor a{io, {asio::ip::make_address("127.0.0.1"), 0}};
  auto port = a.local_endpoint().port();
  a.close();
  bool up = false;
  auto why = run_connection("http://127.0.0.1:" + std::to_string(port), up);
  BOOST_TEST(why == "connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

BOOST_AUTO_TEST_SUITE_END()
