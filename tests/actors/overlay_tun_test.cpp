// The engine's overlay (lwIP + splice) against Linux's own TCP over a TUN device in a network
// namespace: no WireGuard in between, so netstack bugs show up alone (issue 4). Needs root.
#include <boost/test/unit_test.hpp>

#include <asio/posix/stream_descriptor.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "actors/engine/engine.hpp"
#include "actors/engine/overlay.hpp"
#include "tests/support/tun_lab.hpp"

using namespace std::chrono_literals;
using namespace tsnode;
using netstack::ip_address;
using netstack::netstack_errc;

namespace {

/// The engine with an overlay whose tunnel is the lab's TUN fd.
struct tun_node {
  test::tun_lab lab;
  engine::engine eng;
  std::unique_ptr<engine::overlay> ov;
  std::unique_ptr<asio::posix::stream_descriptor> tun;
  std::vector<std::uint8_t> rx = std::vector<std::uint8_t>(65536);
  std::uint64_t tun_write_drops = 0;

  tun_node() {
    eng.start();
    on_engine([this] {
      netstack::stack_config cfg{
        {*netstack::ip_prefix::parse("10.77.0.1/32"), *netstack::ip_prefix::parse("fd77::1/128")},
        1420};
      int fd = lab.fd();
      ov = std::make_unique<engine::overlay>(eng.io(), cfg,
                                             [this, fd](std::span<const std::uint8_t> p) {
                                               // A full queue drops, as a link would.
                                               if (::write(fd, p.data(), p.size()) < 0)
                                                 ++tun_write_drops;
                                             });
      tun = std::make_unique<asio::posix::stream_descriptor>(eng.io(), ::dup(fd));
      read_tun();
    });
  }
  ~tun_node() {
    on_engine([this] {
      tun.reset();
      ov.reset();
    });
    eng.stop();
  }

  /// Waits for the TUN to become readable, then drains it: one wake-up per batch of packets,
  /// not per packet, so a burst from Linux does not overflow the TUN queue.
  void read_tun() {
    tun->async_wait(asio::posix::stream_descriptor::wait_read, [this](const asio::error_code& ec) {
      if (ec) {
        if (ec != asio::error::operation_aborted)
          std::fprintf(stderr, "tun wait stopped: %s\n", ec.message().c_str());
        return;
      }
      for (int i = 0; i < 256; ++i) {
        auto n = ::read(tun->native_handle(), rx.data(), rx.size());
        if (n <= 0)
          break;
        ov->input({rx.data(), static_cast<std::size_t>(n)});
      }
      read_tun();
    });
  }

  /// Runs `f` on the engine thread and waits for it.
  template <class F>
  void on_engine(F f) {
    std::promise<void> done;
    eng.post([&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }

  engine::dial_outcome dial(const std::string& ip, std::uint16_t port,
                            std::chrono::milliseconds timeout = 5s) {
    std::promise<engine::dial_outcome> p;
    auto to = netstack::endpoint_address{*ip_address::parse(ip), port};
    eng.post([&] { ov->dial(to, timeout, [&](engine::dial_outcome o) { p.set_value(o); }); });
    return p.get_future().get();
  }

  /// Dials and splices with one end of a socketpair; returns the other end (blocking).
  int open_stream(const std::string& ip, std::uint16_t port) {
    auto o = dial(ip, port);
    BOOST_REQUIRE_MESSAGE(std::holds_alternative<engine::dialed>(o),
                          "dial " << ip << ":" << port << " failed");
    int sv[2];
    BOOST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    auto id = std::get<engine::dialed>(o).id;
    std::promise<bool> ok;
    eng.post([&, id, fd = sv[1]] { ok.set_value(ov->splice_with(id, fd, {}, {})); });
    BOOST_REQUIRE(ok.get_future().get());
    return sv[0];
  }
};

void write_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    auto k = ::write(fd, p, n);
    BOOST_REQUIRE(k > 0);
    p += k;
    n -= static_cast<std::size_t>(k);
  }
}

std::string read_to_eof(int fd) {
  std::string out;
  char buf[4096];
  while (true) {
    auto k = ::read(fd, buf, sizeof buf);
    if (k <= 0)
      break;
    out.append(buf, static_cast<std::size_t>(k));
  }
  return out;
}

std::string sha256_hex(EVP_MD_CTX* ctx) {
  unsigned char md[32];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(d[md[i] >> 4]);
    out.push_back(d[md[i] & 15]);
  }
  return out;
}

/// Fills `buf` with the source pattern: 8-byte little-endian word k at byte offset 8k.
void fill_pattern(std::vector<std::uint8_t>& buf, std::uint64_t offset) {
  for (std::size_t i = 0; i < buf.size(); i += 8) {
    std::uint64_t w = (offset + i) / 8;
    std::memcpy(buf.data() + i, &w, 8);
  }
}

constexpr std::size_t big = 64u * 1024 * 1024;

} // namespace

BOOST_FIXTURE_TEST_SUITE(actors_overlay_tun, tun_node)

BOOST_AUTO_TEST_CASE(download_is_byte_exact) {
  int s = open_stream("10.77.0.2", test::tun_lab::source_port);
  auto req = std::to_string(big) + "\n";
  write_all(s, reinterpret_cast<const std::uint8_t*>(req.data()), req.size());
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::uint8_t> buf(256 * 1024), want(buf.size());
  std::uint64_t got = 0;
  bool exact = true;
  while (true) {
    auto k = ::read(s, buf.data(), buf.size());
    if (k <= 0)
      break;
    // Compare against the pattern at this offset (word-aligned reads are not guaranteed).
    for (std::size_t i = 0; i < static_cast<std::size_t>(k); ++i) {
      std::uint64_t off = got + i;
      std::uint64_t w = off / 8;
      if (buf[i] != static_cast<std::uint8_t>(w >> (8 * (off % 8)))) {
        exact = false;
        break;
      }
    }
    got += static_cast<std::uint64_t>(k);
    if (!exact)
      break;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(s);
  BOOST_CHECK(exact);
  BOOST_CHECK_EQUAL(got, big);
  BOOST_TEST_MESSAGE("download " << big / (1 << 20) << " MiB in " << secs
                                 << " s = " << big / secs / 1e6 << " MB/s");
}

BOOST_AUTO_TEST_CASE(upload_then_half_close_gets_the_digest) {
  int s = open_stream("10.77.0.2", test::tun_lab::sink_port);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<std::uint8_t> buf(1 << 20);
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t off = 0; off < big; off += buf.size()) {
    fill_pattern(buf, off);
    EVP_DigestUpdate(ctx, buf.data(), buf.size());
    write_all(s, buf.data(), buf.size());
  }
  // Our half-close must reach the server as FIN, and its reply must still come back.
  ::shutdown(s, SHUT_WR);
  auto reply = read_to_eof(s);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(s);
  auto want = sha256_hex(ctx) + " " + std::to_string(big) + "\n";
  EVP_MD_CTX_free(ctx);
  BOOST_CHECK_EQUAL(reply, want);
  BOOST_TEST_MESSAGE("upload " << big / (1 << 20) << " MiB in " << secs
                               << " s = " << big / secs / 1e6 << " MB/s");
}

BOOST_AUTO_TEST_CASE(ipv6_echo) {
  int s = open_stream("fd77::2", test::tun_lab::echo_port);
  std::string msg = "hello over IPv6";
  write_all(s, reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size());
  ::shutdown(s, SHUT_WR);
  BOOST_CHECK_EQUAL(read_to_eof(s), msg);
  ::close(s);
}

BOOST_AUTO_TEST_CASE(sixty_four_parallel_echo_connections) {
  constexpr int n = 64;
  constexpr std::size_t each = 1 << 20;
  std::vector<int> socks;
  for (int i = 0; i < n; ++i)
    socks.push_back(open_stream("10.77.0.2", test::tun_lab::echo_port));
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      int s = socks[static_cast<std::size_t>(i)];
      std::vector<std::uint8_t> out(each);
      for (std::size_t k = 0; k < each; ++k)
        out[k] = static_cast<std::uint8_t>(k * 7 + static_cast<std::size_t>(i));
      std::thread writer([&] {
        std::size_t off = 0;
        while (off < each) {
          auto k = ::write(s, out.data() + off, std::min<std::size_t>(65536, each - off));
          if (k <= 0)
            return;
          off += static_cast<std::size_t>(k);
        }
        ::shutdown(s, SHUT_WR);
      });
      std::vector<std::uint8_t> in;
      in.reserve(each);
      char buf[65536];
      while (true) {
        auto k = ::read(s, buf, sizeof buf);
        if (k <= 0)
          break;
        in.insert(in.end(), buf, buf + k);
      }
      writer.join();
      ::close(s);
      if (in == out)
        ++good;
    });
  }
  for (auto& t : threads)
    t.join();
  BOOST_CHECK_EQUAL(good.load(), n);
  BOOST_TEST_MESSAGE("64 x 1 MiB echo: TUN write drops " << tun_write_drops);
}

BOOST_AUTO_TEST_CASE(closed_port_is_refused_not_a_timeout) {
  auto t0 = std::chrono::steady_clock::now();
  auto o = dial("10.77.0.2", 1, 5s);
  BOOST_REQUIRE(std::holds_alternative<netstack_errc>(o));
  BOOST_CHECK(std::get<netstack_errc>(o) == netstack_errc::refused);
  BOOST_CHECK_LT(std::chrono::steady_clock::now() - t0, 2s);
}

BOOST_AUTO_TEST_CASE(black_hole_times_out_at_the_configured_time) {
  auto t0 = std::chrono::steady_clock::now();
  auto o = dial("10.77.0.99", 80, 1500ms);
  auto took = std::chrono::steady_clock::now() - t0;
  BOOST_REQUIRE(std::holds_alternative<netstack_errc>(o));
  BOOST_CHECK(std::get<netstack_errc>(o) == netstack_errc::timeout);
  BOOST_CHECK_GE(took, 1400ms);
  BOOST_CHECK_LT(took, 3000ms);
}

BOOST_AUTO_TEST_CASE(icmp_unreachable_is_reported_as_unreachable) {
  auto t0 = std::chrono::steady_clock::now();
  auto o = dial("10.77.0.200", 80, 5s);
  BOOST_REQUIRE(std::holds_alternative<netstack_errc>(o));
  BOOST_CHECK(std::get<netstack_errc>(o) == netstack_errc::unreachable);
  BOOST_CHECK_LT(std::chrono::steady_clock::now() - t0, 2s);
}

BOOST_AUTO_TEST_CASE(route_check_fails_closed) {
  on_engine([this] {
    ov.reset();
    netstack::stack_config cfg{{*netstack::ip_prefix::parse("10.77.0.1/32")}, 1420};
    ov = std::make_unique<engine::overlay>(
      eng.io(), cfg, [](std::span<const std::uint8_t>) {},
      [](const ip_address& a) { return a == ip_address::v4(10, 77, 0, 2); });
  });
  auto o = dial("192.0.2.1", 80, 5s);
  BOOST_REQUIRE(std::holds_alternative<netstack_errc>(o));
  BOOST_CHECK(std::get<netstack_errc>(o) == netstack_errc::no_route);
}

BOOST_AUTO_TEST_SUITE_END()
