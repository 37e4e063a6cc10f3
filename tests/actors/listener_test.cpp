// The loopback proxy end to end, minus the overlay: the real listener, acceptor and session
// actors on a real engine thread, with a mock resolver and a mock netstack that "dials" local
// TCP servers (echo, HTTP). Clients are curl and raw sockets (byte-exact replies). This is the
// end-to-end test loopback.rs says it could not write (issue 5).
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "actors/listener.hpp"
#include "proxy/base64.hpp"
#include "tests/actors/support/mock_netstack.hpp"
#include "tests/actors/support/tcp_peers.hpp"
#include "tests/support/hex.hpp"

using namespace std::chrono_literals;
using namespace tsnode;
using namespace tsnode::test;
using netstack::netstack_errc;
using clock_type = std::chrono::steady_clock;

namespace {

// Overlay addresses the mock netstack knows (100.64.0.0/10 and fd7a:115c:a1e0::/48).
constexpr const char* http_ip = "100.64.0.7";
constexpr const char* echo_ip = "100.64.0.8";
constexpr const char* echo_ip6 = "fd7a:115c:a1e0::8";
constexpr const char* refused_ip = "100.64.0.5";
constexpr const char* timeout_ip = "100.64.0.6";
constexpr const char* unreachable_ip = "100.64.0.9";
constexpr const char* slow_ip = "100.64.0.10";    ///< answers after 2 s
constexpr const char* silent_ip = "100.64.0.11";  ///< answers after 60 s
constexpr const char* unrouted_ip = "100.99.0.1"; ///< no peer covers it

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// Polls `f` every 10 ms until it holds or `timeout` passes.
template <class F>
bool eventually(F f, std::chrono::milliseconds timeout = 10s) {
  auto end = clock_type::now() + timeout;
  while (!f()) {
    if (clock_type::now() > end)
      return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

/// Reads a SOCKS5 CONNECT reply, as long as its ATYP says.
std::optional<bytes> read_socks5_reply(int fd) {
  auto head = recv_exact(fd, 4);
  if (!head)
    return std::nullopt;
  std::size_t rest = 0;
  switch ((*head)[3]) {
    case 0x01:
      rest = 4 + 2;
      break;
    case 0x04:
      rest = 16 + 2;
      break;
    default:
      return head;
  }
  auto tail = recv_exact(fd, rest);
  if (!tail)
    return std::nullopt;
  head->insert(head->end(), tail->begin(), tail->end());
  return head;
}

/// Reads an HTTP response head; returns its status line ("" when the proxy closed first).
std::string read_http_status(int fd) {
  std::string head;
  while (head.find("\r\n\r\n") == std::string::npos) {
    auto c = recv_exact(fd, 1);
    if (!c)
      return {};
    head.push_back(static_cast<char>((*c)[0]));
  }
  return head.substr(0, head.find("\r\n"));
}

std::string hex_text(const bytes& b) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto x : b) {
    out.push_back(digits[x >> 4]);
    out.push_back(digits[x & 15]);
    out.push_back(' ');
  }
  return out;
}

/// The proxy with its mock overlay: echo and HTTP servers behind overlay addresses.
struct proxy_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  std::shared_ptr<const std::string> body;
  tcp_server echo;
  tcp_server http;
  mock_netstack_ptr ctl = std::make_shared<mock_netstack_control>();
  engine::engine eng;
  resolver_actor resolver;
  netstack_actor net;
  std::unique_ptr<loopback_handle> proxy;
  listener_actor listener;
  std::uint16_t port = 0;
  std::string tmp;

  static caf::actor_system_config& prepare(caf::actor_system_config& c) {
    c.set("logger.console", caf::atom("none"));
    c.set("logger.file-verbosity", caf::atom("quiet"));
    return c;
  }

  static std::shared_ptr<const std::string> make_body() {
    auto b = pattern(1 << 20, 42); // 1 MiB of every byte value
    return std::make_shared<const std::string>(b.begin(), b.end());
  }

  proxy_fixture()
    : sys(prepare(cfg))
    , body(make_body())
    , echo(echo_handler())
    , http(http_handler(body)) {
    char dir[] = "/tmp/tsnode-listener-XXXXXX";
    tmp = ::mkdtemp(dir);
    eng.start();
    ctl->route(http_ip, http.port());
    ctl->route(echo_ip, echo.port());
    ctl->route(echo_ip6, echo.port());
    ctl->fail(refused_ip, netstack_errc::refused);
    ctl->fail(timeout_ip, netstack_errc::timeout);
    ctl->fail(unreachable_ip, netstack_errc::unreachable);
    ctl->route(slow_ip, echo.port(), 2s);
    ctl->route(silent_ip, echo.port(), 60s);
    resolver = spawn_mock_resolver(sys, {{"peer-name", {http_ip}},
                                         {"echo-peer", {echo_ip}},
                                         {"echo6-peer", {echo_ip6}},
                                         {"refusing-peer", {refused_ip}}});
    net = spawn_mock_netstack(sys, ctl);
  }

  /// Starts the proxy; by default with short deadlines that suit a test.
  void start(listener_config lc = {}) {
    proxy = start_loopback(sys, eng, resolver, net, lc);
    listener = proxy->actor();
    if (!lc.where.unix_path)
      port = static_cast<std::uint16_t>(std::stoi(proxy->address().substr(10)));
  }

  ~proxy_fixture() {
    proxy.reset();
    if (listener)
      caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(net, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(resolver, caf::exit_reason::user_shutdown);
    ctl->shutdown();
    eng.stop();
    listener = nullptr;
    net = nullptr;
    resolver = nullptr;
    run_command("rm -rf " + tmp);
  }

  const std::string& cred() const { return proxy->credential(); }

  /// Returns the listener's counters (fails the test when it does not answer).
  listener_status status() {
    caf::scoped_actor self{sys};
    std::optional<listener_status> out;
    self->request(listener, 5s, status_atom_v)
      .receive([&](const listener_status& s) { out = s; }, [&](caf::error&) {});
    BOOST_REQUIRE(out.has_value());
    return *out;
  }

  /// Connects and authenticates, sends `request` in the same segment and returns the CONNECT
  /// reply; nullopt when the method or auth answer is not `05 02` / `01 00`.
  std::optional<bytes> socks5(int fd, const bytes& request) {
    auto msg = socks5_hello("tsnet", cred());
    msg.insert(msg.end(), request.begin(), request.end());
    if (!send_all(fd, msg))
      return std::nullopt;
    auto auth = recv_exact(fd, 4);
    if (!auth || *auth != hex("05 02 01 00"))
      return std::nullopt;
    return read_socks5_reply(fd);
  }

  /// Sends an HTTP CONNECT to `target` with the right credential; returns the status line.
  std::string http_connect(int fd, const std::string& target) {
    auto auth = proxy::base64_encode("tsnet:" + cred());
    send_all(fd, "CONNECT " + target + " HTTP/1.1\r\nHost: " + target
                   + "\r\nProxy-Authorization: Basic " + auth + "\r\n\r\n");
    return read_http_status(fd);
  }

  /// Returns a connected client socket (10 s socket timeouts).
  int client() {
    int fd = connect_loopback(port, 10s);
    BOOST_REQUIRE_MESSAGE(fd >= 0, "connect to the proxy: " << std::strerror(errno));
    return fd;
  }

  /// Checks that `msg` comes back through an established tunnel and that EOF is passed on.
  bool echoes(int fd, const bytes& msg) {
    if (!send_all(fd, msg) || ::shutdown(fd, SHUT_WR) != 0)
      return false;
    bool clean = false;
    auto back = recv_all(fd, &clean);
    return clean && back == msg;
  }

  std::string read_file(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  }
};

listener_config short_deadlines() {
  listener_config lc;
  lc.session.handshake_timeout = 5s;
  lc.session.dial_timeout = 3s;
  return lc;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(actor_listener, proxy_fixture)

// -- binding and credential (loopback.rs `start`, `gen_cred`) -------------------------------------

BOOST_AUTO_TEST_CASE(binds_127_0_0_1_only_with_a_fresh_32_hex_credential) {
  start();
  BOOST_CHECK_EQUAL(proxy->address().rfind("127.0.0.1:", 0), 0u);
  BOOST_CHECK(port != 0);
  // Bound to 127.0.0.1 itself, not the wildcard: another loopback address is refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(0x7f000002); // 127.0.0.2
  sa.sin_port = htons(port);
  BOOST_CHECK(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0);
  BOOST_CHECK_EQUAL(errno, ECONNREFUSED);
  ::close(fd);
  // The credential: 32 lowercase hex digits (128 bits from the CSPRNG), new every time.
  auto is_hex32 = [](const std::string& s) {
    return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
  };
  BOOST_CHECK(is_hex32(cred()));
  std::set<std::string> seen{cred()};
  for (int i = 0; i < 64; ++i) {
    auto c = make_credential();
    BOOST_CHECK(is_hex32(c));
    seen.insert(c);
  }
  BOOST_CHECK_EQUAL(seen.size(), 65u);
  BOOST_CHECK_EQUAL(proxy->socks5_url(), "socks5h://tsnet:" + cred() + "@" + proxy->address());
  BOOST_CHECK_EQUAL(proxy->http_url(), "http://tsnet:" + cred() + "@" + proxy->address());
  // Never beyond the host.
  listener_config wild;
  wild.where.ip = "0.0.0.0";
  BOOST_CHECK_THROW(start_loopback(sys, eng, resolver, net, wild), std::invalid_argument);
  wild.where.ip = "192.0.2.1";
  BOOST_CHECK_THROW(start_loopback(sys, eng, resolver, net, wild), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(unix_socket_is_0600_serves_and_is_removed_with_the_handle) {
  listener_config lc;
  lc.where.unix_path = tmp + "/proxy.sock";
  start(lc);
  struct stat st {};
  BOOST_REQUIRE_EQUAL(::stat(lc.where.unix_path->c_str(), &st), 0);
  BOOST_CHECK(S_ISSOCK(st.st_mode));
  BOOST_CHECK_EQUAL(st.st_mode & 0777, 0600u);
  int fd = connect_unix(*lc.where.unix_path, 10s);
  BOOST_REQUIRE(fd >= 0);
  auto rep = socks5(fd, socks5_connect_name("echo-peer", 7));
  BOOST_REQUIRE(rep);
  BOOST_CHECK_EQUAL(hex_text(*rep), hex_text(hex("05 00 00 01 64 40 00 01 9c 41")));
  BOOST_CHECK(echoes(fd, pattern(100000, 1)));
  ::close(fd);
  // A second proxy on the same path does not steal it from the live one.
  BOOST_CHECK_THROW(start_loopback(sys, eng, resolver, net, lc), std::system_error);
  fd = connect_unix(*lc.where.unix_path, 10s);
  BOOST_REQUIRE(fd >= 0);
  BOOST_CHECK(socks5(fd, socks5_connect_name("echo-peer", 7)));
  ::close(fd);
  proxy.reset();
  BOOST_CHECK_NE(::stat(lc.where.unix_path->c_str(), &st), 0);
}

BOOST_AUTO_TEST_CASE(unix_socket_path_never_replaces_a_file_that_is_not_a_socket) {
  auto path = tmp + "/precious.txt";
  std::ofstream{path} << "keep me";
  listener_config lc;
  lc.where.unix_path = path;
  BOOST_CHECK_THROW(start(lc), std::system_error);
  BOOST_CHECK_EQUAL(read_file(path), "keep me");
}

// -- curl through SOCKS5 and HTTP CONNECT ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(curl_socks5_hostname_and_http_connect_download_intact) {
  start(short_deadlines());
  auto out = tmp + "/body";
  auto run = [&](const std::string& proxy_args) {
    ::unlink(out.c_str());
    return run_command("curl -sS --max-time 30 " + proxy_args + " -o " + out
                       + " http://peer-name:8080/ 2>&1");
  };
  auto addr = proxy->address();
  BOOST_CHECK_EQUAL(run("--socks5-hostname " + addr + " --proxy-user tsnet:" + cred()), 0);
  BOOST_CHECK(read_file(out) == *body);
  BOOST_CHECK_EQUAL(run("--proxytunnel -x http://tsnet:" + cred() + "@" + addr), 0);
  BOOST_CHECK(read_file(out) == *body);
  // The handle's URLs are what a user pastes.
  BOOST_CHECK_EQUAL(run("-x " + proxy->socks5_url()), 0);
  BOOST_CHECK(read_file(out) == *body);
  BOOST_CHECK_EQUAL(run("-p -x " + proxy->http_url()), 0);
  BOOST_CHECK(read_file(out) == *body);
  BOOST_CHECK_EQUAL(http.accepted(), 4u);
  // Each download was one dial and one splice that moved the whole body (plus headers).
  auto c = ctl->counters();
  BOOST_CHECK_EQUAL(c.dials, 4u);
  BOOST_CHECK(eventually([&] { return ctl->counters().splices_done == 4; }));
  BOOST_CHECK_GT(ctl->counters().bytes_to_host, 4u * body->size());
  BOOST_CHECK(eventually([&] { return status().in_flight == 0; }));
  BOOST_CHECK_EQUAL(status().accepted, 4u);
}

BOOST_AUTO_TEST_CASE(wrong_password_fails_in_curl_and_byte_exact) {
  start(short_deadlines());
  auto wrong = std::string(32, '0');
  auto addr = proxy->address();
  auto base = std::string{"curl -sS --max-time 30 -o /dev/null "};
  BOOST_CHECK_NE(run_command(base + "--socks5-hostname " + addr + " --proxy-user tsnet:" + wrong
                             + " http://peer-name:8080/ 2>/dev/null"),
                 0);
  std::string code;
  BOOST_CHECK_NE(run_command(base + "-w '%{http_connect}' -p -x http://tsnet:" + wrong + "@" + addr
                               + " http://peer-name:8080/ 2>/dev/null",
                             &code),
                 0);
  BOOST_CHECK_EQUAL(code, "407");
  BOOST_CHECK_EQUAL(http.accepted(), 0u);
  BOOST_CHECK_EQUAL(ctl->counters().dials, 0u);
  // RFC 1929: 01 01, then close. A wrong user with the right password fails the same way.
  for (auto [user, pass] :
       {std::pair{std::string{"tsnet"}, wrong}, std::pair{std::string{"admin"}, cred()},
        std::pair{std::string{"tsnet"}, cred().substr(0, 31)}}) {
    int fd = client();
    auto msg = socks5_hello(user, pass);
    auto req = socks5_connect_name("echo-peer", 7);
    msg.insert(msg.end(), req.begin(), req.end());
    BOOST_REQUIRE(send_all(fd, msg));
    auto got = recv_all(fd);
    BOOST_CHECK_EQUAL(hex_text(got), hex_text(hex("05 02 01 01")));
    ::close(fd);
  }
  // HTTP: 407 with a challenge.
  int fd = client();
  send_all(fd, "CONNECT echo-peer:7 HTTP/1.1\r\nHost: echo-peer:7\r\n\r\n");
  auto got = recv_all(fd);
  std::string text(got.begin(), got.end());
  BOOST_CHECK_EQUAL(text.rfind("HTTP/1.1 407", 0), 0u);
  BOOST_CHECK(text.find("Proxy-Authenticate: Basic") != std::string::npos);
  ::close(fd);
  BOOST_CHECK_EQUAL(ctl->counters().dials, 0u);
}

// -- reply codes, byte-exact (design.md "Failure and bad input")
// -----------------------------------

BOOST_AUTO_TEST_CASE(dial_failures_get_precise_socks5_reply_codes) {
  auto lc = short_deadlines();
  lc.session.dial_timeout = 200ms; // the silent dial runs into the session's request timeout
  start(lc);
  struct row {
    bytes request;
    const char* reply;
  };
  std::vector<row> rows{
    {socks5_connect_name("nobody", 80), "05 04 00 01 00 00 00 00 00 00"},        // no such host
    {socks5_connect_name("refusing-peer", 80), "05 05 00 01 00 00 00 00 00 00"}, // via a name
    {socks5_connect_ipv4(refused_ip, 80), "05 05 00 01 00 00 00 00 00 00"},
    {socks5_connect_ipv4(timeout_ip, 80), "05 06 00 01 00 00 00 00 00 00"},
    {socks5_connect_ipv4(unrouted_ip, 80), "05 03 00 01 00 00 00 00 00 00"},
    {socks5_connect_ipv6("fd7a:115c:a1e0::99", 80), "05 03 00 01 00 00 00 00 00 00"},
    {socks5_connect_ipv4(unreachable_ip, 80), "05 04 00 01 00 00 00 00 00 00"},
    {socks5_connect_ipv4(silent_ip, 80), "05 06 00 01 00 00 00 00 00 00"},
  };
  for (auto& r : rows) {
    int fd = client();
    auto t0 = clock_type::now();
    auto rep = socks5(fd, r.request);
    BOOST_REQUIRE(rep);
    BOOST_CHECK_EQUAL(hex_text(*rep), hex_text(hex(r.reply)));
    BOOST_CHECK(wait_closed(fd)); // and then the proxy closes
    BOOST_TEST_MESSAGE("reply " << r.reply << " after " << seconds_since(t0) << " s");
    ::close(fd);
  }
  BOOST_CHECK(eventually([&] { return status().in_flight == 0; }));
  auto c = ctl->counters();
  BOOST_CHECK_EQUAL(c.open_conns, 0u);
  BOOST_CHECK_EQUAL(c.splices, 0u);
}

BOOST_AUTO_TEST_CASE(dial_failures_get_precise_http_statuses) {
  start(short_deadlines());
  std::vector<std::pair<std::string, std::string>> rows{
    {"nobody:80", "HTTP/1.1 502"},
    {std::string{refused_ip} + ":80", "HTTP/1.1 502"},
    {std::string{timeout_ip} + ":80", "HTTP/1.1 504"},
    {std::string{unrouted_ip} + ":80", "HTTP/1.1 502"},
    {"echo6-peer:7", "HTTP/1.1 200"},
    {"[fd7a:115c:a1e0::8]:7", "HTTP/1.1 200"},
  };
  for (auto& [target, expected] : rows) {
    int fd = client();
    auto line = http_connect(fd, target);
    BOOST_CHECK_MESSAGE(line.rfind(expected, 0) == 0, target << ": " << line);
    if (expected.ends_with("200"))
      BOOST_CHECK(echoes(fd, pattern(70000, 3)));
    else
      BOOST_CHECK(wait_closed(fd));
    ::close(fd);
  }
}

BOOST_AUTO_TEST_CASE(ipv4_ipv6_and_domain_atyp_connect_with_the_real_bound_address) {
  start(short_deadlines());
  struct row {
    bytes request;
    std::size_t reply_size;
    std::uint8_t atyp;
  };
  std::vector<row> rows{
    {socks5_connect_ipv4(echo_ip, 7), 10, 0x01},
    {socks5_connect_ipv6(echo_ip6, 7), 22, 0x04},
    {socks5_connect_name("echo-peer", 7), 10, 0x01},
    {socks5_connect_name("unknown-peer", 7), 10, 0x01}, // 04, checked below
    {socks5_connect_name(echo_ip6, 7), 22, 0x04},       // an IP literal as a name
  };
  int n = 0;
  for (auto& r : rows) {
    int fd = client();
    auto rep = socks5(fd, r.request);
    BOOST_REQUIRE(rep);
    BOOST_CHECK_EQUAL(rep->size(), r.reply_size);
    BOOST_CHECK_EQUAL((*rep)[3], r.atyp);
    if (n++ == 3) {
      BOOST_CHECK_EQUAL((*rep)[1], 0x04);
      ::close(fd);
      continue;
    }
    BOOST_CHECK_EQUAL((*rep)[1], 0x00);
    // BND.ADDR is the mock's overlay address: 100.64.0.1 or fd7a:115c:a1e0::1.
    if (r.atyp == 0x01)
      BOOST_CHECK_EQUAL(hex_text(bytes(rep->begin() + 4, rep->begin() + 8)),
                        hex_text(hex("64 40 00 01")));
    else
      BOOST_CHECK_EQUAL(hex_text(bytes(rep->begin() + 4, rep->begin() + 20)),
                        hex_text(hex("fd7a 115c a1e0 0000 0000 0000 0000 0001")));
    BOOST_CHECK(echoes(fd, pattern(200000, static_cast<std::uint32_t>(n))));
    ::close(fd);
  }
}

BOOST_AUTO_TEST_CASE(payload_pipelined_with_the_request_reaches_the_peer_first) {
  start(short_deadlines());
  int fd = client();
  auto msg = socks5_hello("tsnet", cred());
  auto req = socks5_connect_name("echo-peer", 7);
  auto early = pattern(3000, 9);
  msg.insert(msg.end(), req.begin(), req.end());
  msg.insert(msg.end(), early.begin(), early.end());
  BOOST_REQUIRE(send_all(fd, msg));
  auto head = recv_exact(fd, 4 + 10);
  BOOST_REQUIRE(head);
  BOOST_CHECK_EQUAL((*head)[5], 0x00);
  auto late = pattern(5000, 10);
  BOOST_REQUIRE(send_all(fd, late));
  ::shutdown(fd, SHUT_WR);
  bool clean = false;
  auto back = recv_all(fd, &clean);
  early.insert(early.end(), late.begin(), late.end());
  BOOST_CHECK(clean);
  BOOST_CHECK(back == early);
  ::close(fd);
}

// -- the cap: 300 clients, at most 256 in flight, all served
// ----------------------------------------

BOOST_AUTO_TEST_CASE(three_hundred_clients_with_the_cap_at_256) {
  constexpr int clients = 300;
  auto lc = short_deadlines();
  lc.session.handshake_timeout = 60s; // waiting in the backlog is not negotiating
  lc.max_sessions = 256;
  start(lc);
  ctl->hold(true); // splices take their sockets and wait: in-flight really reaches the cap
  std::vector<int> ok(clients, 0);
  std::vector<std::thread> threads;
  auto t0 = clock_type::now();
  for (int i = 0; i < clients; ++i)
    threads.emplace_back([&, i] {
      int fd = connect_loopback(port, 60s);
      if (fd < 0)
        return;
      auto rep = socks5(fd, socks5_connect_name("echo-peer", 7));
      if (rep && rep->size() == 10 && (*rep)[1] == 0)
        ok[i] = echoes(fd, pattern(1000 + i, i)) ? 1 : 0;
      ::close(fd);
    });
  BOOST_CHECK_EQUAL(ctl->wait_held(256, 60s), 256u);
  auto full = status();
  BOOST_TEST_MESSAGE("cap reached after " << seconds_since(t0) << " s");
  BOOST_CHECK_EQUAL(full.in_flight, 256u);
  BOOST_CHECK_EQUAL(full.accepted, 256u);
  // Back-pressure: nothing more is accepted while the cap is reached.
  std::this_thread::sleep_for(500ms);
  auto still = status();
  BOOST_CHECK_EQUAL(still.accepted, 256u);
  BOOST_CHECK_EQUAL(still.in_flight, 256u);
  BOOST_CHECK_EQUAL(ctl->counters().held, 256u);
  BOOST_CHECK_EQUAL(ctl->counters().dials, 256u);
  ctl->hold(false);
  for (auto& t : threads)
    t.join();
  auto elapsed = seconds_since(t0);
  BOOST_CHECK_EQUAL(std::count(ok.begin(), ok.end(), 1), clients);
  BOOST_CHECK(eventually([&] { return status().in_flight == 0; }));
  auto end = status();
  BOOST_CHECK_EQUAL(end.accepted, std::uint64_t{clients});
  BOOST_CHECK_EQUAL(end.peak_in_flight, 256u);
  BOOST_CHECK(eventually([&] { return ctl->counters().splices_done == clients; }));
  BOOST_CHECK_LE(ctl->counters().peak_active, 256u);
  BOOST_TEST_MESSAGE("300 clients served in " << elapsed << " s, peak in flight "
                                              << end.peak_in_flight << ", mock peak splices "
                                              << ctl->counters().peak_active);
}

// -- the negotiation deadline; none for the splice
// --------------------------------------------------

BOOST_AUTO_TEST_CASE(a_client_stalling_mid_handshake_is_dropped_at_the_deadline) {
  auto lc = short_deadlines();
  lc.session.handshake_timeout = 1s;
  start(lc);
  auto drop_time = [&](const bytes& first, std::size_t answer) {
    int fd = client();
    auto t0 = clock_type::now();
    if (!first.empty())
      BOOST_REQUIRE(send_all(fd, first));
    if (answer > 0)
      BOOST_REQUIRE(recv_exact(fd, answer));
    bool closed = wait_closed(fd);
    auto dt = seconds_since(t0);
    ::close(fd);
    return closed ? dt : -1.0;
  };
  auto silent = drop_time({}, 0);
  auto after_greeting = drop_time(hex("05 01 02"), 2);
  auto hello = socks5_hello("tsnet", cred());
  auto after_auth = drop_time(hello, 4);
  auto partial = socks5_connect_name("echo-peer", 7);
  partial.resize(6);
  hello.insert(hello.end(), partial.begin(), partial.end());
  auto mid_request = drop_time(hello, 4);
  std::string head = "CONNECT echo-peer:7 HTTP/1.1\r\n";
  auto http_head = drop_time(bytes(head.begin(), head.end()), 0);
  BOOST_TEST_MESSAGE("dropped after " << silent << " / " << after_greeting << " / " << after_auth
                                      << " / " << mid_request << " / " << http_head << " s");
  for (double dt : {silent, after_greeting, after_auth, mid_request, http_head}) {
    BOOST_CHECK_GE(dt, 0.95);
    BOOST_CHECK_LE(dt, 2.0);
  }
  BOOST_CHECK(eventually([&] { return status().in_flight == 0; }));
  BOOST_CHECK_EQUAL(ctl->counters().dials, 0u);
}

BOOST_AUTO_TEST_CASE(a_dial_still_running_at_the_deadline_gets_06_and_its_connection_closed) {
  auto lc = short_deadlines();
  lc.session.handshake_timeout = 1s;
  start(lc);
  int fd = client();
  auto t0 = clock_type::now();
  auto rep = socks5(fd, socks5_connect_ipv4(slow_ip, 7)); // the mock answers after 2 s
  auto dt = seconds_since(t0);
  BOOST_REQUIRE(rep);
  BOOST_CHECK_EQUAL(hex_text(*rep), hex_text(hex("05 06 00 01 00 00 00 00 00 00")));
  BOOST_CHECK(wait_closed(fd));
  BOOST_CHECK_GE(dt, 0.95);
  BOOST_CHECK_LE(dt, 2.0);
  ::close(fd);
  // The overlay connection that came up after the deadline is closed, not leaked.
  BOOST_CHECK(eventually([&] { return ctl->counters().closes == 1; }));
  BOOST_CHECK_EQUAL(ctl->counters().open_conns, 0u);
  BOOST_CHECK(eventually([&] { return status().in_flight == 0; }));
}

BOOST_AUTO_TEST_CASE(a_splice_has_no_deadline) {
  auto lc = short_deadlines();
  lc.session.handshake_timeout = 1s;
  start(lc);
  int fd = client();
  auto rep = socks5(fd, socks5_connect_name("echo-peer", 7));
  BOOST_REQUIRE(rep);
  BOOST_CHECK_EQUAL((*rep)[1], 0x00);
  auto first = pattern(1000, 1);
  BOOST_REQUIRE(send_all(fd, first));
  BOOST_CHECK(recv_exact(fd, first.size()) == first);
  std::this_thread::sleep_for(2500ms); // idle well past the 1 s negotiation deadline
  BOOST_CHECK(echoes(fd, pattern(1000, 2)));
  ::close(fd);
}

// -- the RAII handle
// ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(destroying_the_handle_stops_accepting_while_a_transfer_completes) {
  start(short_deadlines());
  constexpr std::size_t total = 32 << 20;
  auto data = pattern(total, 77);
  int fd = client();
  auto rep = socks5(fd, socks5_connect_name("echo-peer", 7));
  BOOST_REQUIRE(rep);
  BOOST_REQUIRE_EQUAL((*rep)[1], 0x00);
  std::atomic<bool> go{false};
  std::atomic<std::size_t> received{0};
  bool sent_ok = false, clean = false;
  bytes back;
  back.reserve(total);
  std::thread writer{[&] {
    constexpr std::size_t first = 4 << 20; // the rest only once the handle is gone
    sent_ok = send_all(fd, data.data(), first);
    while (!go)
      std::this_thread::sleep_for(1ms);
    sent_ok = sent_ok && send_all(fd, data.data() + first, total - first);
    ::shutdown(fd, SHUT_WR);
  }};
  std::thread reader{[&] {
    std::vector<std::uint8_t> buf(1 << 16);
    for (;;) {
      auto n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n <= 0) {
        clean = n == 0;
        return;
      }
      back.insert(back.end(), buf.begin(), buf.begin() + n);
      received += static_cast<std::size_t>(n);
    }
  }};
  BOOST_CHECK(eventually([&] { return received >= (1u << 20); }));
  auto t0 = clock_type::now();
  proxy.reset();
  auto stop_time = seconds_since(t0);
  std::size_t at_stop = received;
  // No new connection gets in: the port is closed at once.
  errno = 0;
  int late = connect_loopback(port, 2s);
  int late_errno = errno;
  if (late >= 0)
    ::close(late);
  BOOST_CHECK_LT(late, 0);
  BOOST_CHECK_EQUAL(late_errno, ECONNREFUSED);
  go = true;
  writer.join();
  reader.join();
  ::close(fd);
  BOOST_CHECK(sent_ok);
  BOOST_CHECK(clean);
  BOOST_CHECK_EQUAL(back.size(), total);
  BOOST_CHECK(back == data);
  BOOST_TEST_MESSAGE("handle destroyed in " << stop_time * 1000 << " ms, with " << at_stop / 1024
                                            << " KiB of 32 MiB echoed so far");
  // Once its last session has ended, the listener goes away on its own.
  caf::scoped_actor self{sys};
  self->monitor(listener);
  bool down = false;
  self->receive([&](const caf::down_msg&) { down = true; }, caf::after(10s) >> [] {});
  BOOST_CHECK(down);
  BOOST_CHECK_EQUAL(ctl->counters().bytes_to_host, total);
}

BOOST_AUTO_TEST_CASE(shutting_the_listener_down_ends_its_sessions) {
  start(); // the 30 s negotiation deadline
  int negotiating = client();
  BOOST_REQUIRE(send_all(negotiating, hex("05 01 02")));
  BOOST_REQUIRE(recv_exact(negotiating, 2));
  int splicing = client();
  BOOST_REQUIRE(socks5(splicing, socks5_connect_name("echo-peer", 7)));
  BOOST_CHECK(eventually([&] { return status().in_flight == 2; }));
  auto t0 = clock_type::now();
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  // The node shuts down: no session waits for its deadline (nor keeps ~actor_system waiting).
  BOOST_CHECK(wait_closed(negotiating));
  BOOST_CHECK_LT(seconds_since(t0), 2.0);
  BOOST_CHECK_EQUAL(connect_loopback(port, 2s), -1);
  ::close(negotiating);
  ::close(splicing);
}

BOOST_AUTO_TEST_SUITE_END()
