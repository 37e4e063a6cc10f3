// The C API (api/tsnode.h) and the sync façade under misuse: every case returns -1 (or an
// api_error) with a message, never a crash. A node without peers comes up without root.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "api/sync_node.hpp"
#include "api/tsnode.h"

namespace {

std::string errmsg(tsnode_t ts) {
  char buf[512];
  tsnode_errmsg(ts, buf, sizeof buf);
  return buf;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

/// A wg-quick file with an address and no peer: enough to come up (RFC 7748 test key).
struct config_file {
  std::string path;
  explicit config_file(const std::string& body) {
    char tmpl[] = "/tmp/tsnode_api_test_XXXXXX";
    int fd = ::mkstemp(tmpl);
    BOOST_REQUIRE(fd >= 0);
    ::close(fd);
    path = tmpl;
    std::ofstream{path} << body;
  }
  ~config_file() { ::unlink(path.c_str()); }
};

const char* lone_node = "[Interface]\n"
                        "PrivateKey = dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\n"
                        "Address = 10.77.0.1/24\n";

} // namespace

BOOST_AUTO_TEST_SUITE(api_c)

BOOST_AUTO_TEST_CASE(bad_handles_are_errors) {
  for (tsnode_t bad : {0, -1, 987654}) {
    BOOST_CHECK_EQUAL(tsnode_set_wg_config(bad, "x.conf"), -1);
    BOOST_CHECK_EQUAL(tsnode_set_dir(bad, "/tmp"), -1);
    BOOST_CHECK_EQUAL(tsnode_add_host(bad, "web", "10.0.0.1"), -1);
    BOOST_CHECK_EQUAL(tsnode_up(bad), -1);
    char addr[64], cred[33];
    BOOST_CHECK_EQUAL(tsnode_loopback(bad, addr, sizeof addr, cred), -1);
    int conn = 42;
    BOOST_CHECK_EQUAL(tsnode_dial(bad, "tcp", "10.0.0.1:80", &conn), -1);
    BOOST_CHECK_EQUAL(conn, -1);
    BOOST_CHECK_EQUAL(tsnode_close(bad), -1);
    char buf[128];
    BOOST_CHECK_EQUAL(tsnode_errmsg(bad, buf, sizeof buf), -1);
    BOOST_CHECK(contains(buf, "not an open handle"));
  }
}

BOOST_AUTO_TEST_CASE(null_arguments_are_errors) {
  auto ts = tsnode_new();
  BOOST_REQUIRE(ts > 0);
  BOOST_CHECK_EQUAL(tsnode_set_wg_config(ts, nullptr), -1);
  BOOST_CHECK(contains(errmsg(ts), "tsnode_set_wg_config: NULL argument"));
  BOOST_CHECK_EQUAL(tsnode_set_dir(ts, nullptr), -1);
  BOOST_CHECK(contains(errmsg(ts), "tsnode_set_dir: NULL"));
  BOOST_CHECK_EQUAL(tsnode_set_hostname(ts, nullptr), -1);
  BOOST_CHECK(contains(errmsg(ts), "tsnode_set_hostname: NULL"));
  BOOST_CHECK_EQUAL(tsnode_set_authkey(ts, nullptr), -1);
  BOOST_CHECK(contains(errmsg(ts), "tsnode_set_authkey: NULL"));
  BOOST_CHECK_EQUAL(tsnode_set_control_url(ts, nullptr), -1);
  BOOST_CHECK(contains(errmsg(ts), "tsnode_set_control_url: NULL"));
  BOOST_CHECK_EQUAL(tsnode_add_host(ts, nullptr, "10.0.0.1"), -1);
  BOOST_CHECK_EQUAL(tsnode_add_host(ts, "web", nullptr), -1);
  BOOST_CHECK(contains(errmsg(ts), "tsnode_add_host: NULL"));
  char addr[64], cred[33];
  BOOST_CHECK_EQUAL(tsnode_loopback(ts, nullptr, sizeof addr, cred), -1);
  BOOST_CHECK_EQUAL(tsnode_loopback(ts, addr, sizeof addr, nullptr), -1);
  BOOST_CHECK(contains(errmsg(ts), "tsnode_loopback: NULL"));
  int conn = 42;
  BOOST_CHECK_EQUAL(tsnode_dial(ts, nullptr, "10.0.0.1:80", &conn), -1);
  BOOST_CHECK_EQUAL(conn, -1);
  BOOST_CHECK_EQUAL(tsnode_dial(ts, "tcp", nullptr, &conn), -1);
  BOOST_CHECK_EQUAL(tsnode_dial(ts, "tcp", "10.0.0.1:80", nullptr), -1);
  BOOST_CHECK(contains(errmsg(ts), "tsnode_dial: NULL"));
  BOOST_CHECK_EQUAL(tsnode_errmsg(ts, nullptr, 10), -1);
  char one[1] = {'x'};
  BOOST_CHECK_EQUAL(tsnode_errmsg(ts, one, 0), -1);
  BOOST_CHECK_EQUAL(one[0], 'x');
  BOOST_CHECK_EQUAL(tsnode_close(ts), 0);
}

BOOST_AUTO_TEST_CASE(calls_before_up_and_double_close) {
  auto ts = tsnode_new();
  BOOST_REQUIRE(ts > 0);
  BOOST_CHECK_EQUAL(errmsg(ts), "");
  char addr[64], cred[33];
  BOOST_CHECK_EQUAL(tsnode_loopback(ts, addr, sizeof addr, cred), -1);
  BOOST_CHECK(contains(errmsg(ts), "not running"));
  int conn = 42;
  BOOST_CHECK_EQUAL(tsnode_dial(ts, "tcp", "10.0.0.1:80", &conn), -1);
  BOOST_CHECK_EQUAL(conn, -1);
  BOOST_CHECK(contains(errmsg(ts), "not running"));
  BOOST_CHECK_EQUAL(tsnode_close(ts), 0);
  BOOST_CHECK_EQUAL(tsnode_close(ts), -1);
  BOOST_CHECK(contains(errmsg(ts), "not an open handle"));
  BOOST_CHECK_EQUAL(tsnode_up(ts), -1);
}

BOOST_AUTO_TEST_CASE(missing_config_file) {
  auto ts = tsnode_new();
  BOOST_CHECK_EQUAL(tsnode_set_wg_config(ts, "/nonexistent/tsnode/wg0.conf"), 0);
  BOOST_CHECK_EQUAL(tsnode_up(ts), -1);
  auto m = errmsg(ts);
  BOOST_TEST_MESSAGE(m);
  BOOST_CHECK(contains(m, "/nonexistent/tsnode/wg0.conf"));
  BOOST_CHECK_EQUAL(tsnode_close(ts), 0);
}

BOOST_AUTO_TEST_CASE(tailnet_mode_checks_its_settings_before_connecting) {
  auto ts = tsnode_new();
  BOOST_CHECK_EQUAL(tsnode_set_authkey(ts, "tskey-auth-xyz"), 0);
  BOOST_CHECK_EQUAL(tsnode_set_control_url(ts, "ftp://headscale.example"), 0);
  BOOST_CHECK_EQUAL(tsnode_up(ts), -1);
  BOOST_CHECK(contains(errmsg(ts), "http:// or https://"));
  // A corrupt identity is an error naming the file, never a new identity (issue 7).
  char dir[] = "/tmp/tsnode-c-api-XXXXXX";
  BOOST_REQUIRE(::mkdtemp(dir) != nullptr);
  auto file = std::string{dir} + "/tsnode-state";
  {
    std::ofstream out{file};
    out << "format=tsnode-state-1\nmachine_key=privkey:zz\n";
  }
  ::chmod(file.c_str(), 0600);
  BOOST_CHECK_EQUAL(tsnode_set_control_url(ts, "http://127.0.0.1:9"), 0);
  BOOST_CHECK_EQUAL(tsnode_set_hostname(ts, "embedded"), 0);
  BOOST_CHECK_EQUAL(tsnode_set_dir(ts, dir), 0);
  BOOST_CHECK_EQUAL(tsnode_up(ts), -1);
  BOOST_CHECK(contains(errmsg(ts), file));
  BOOST_TEST_MESSAGE(errmsg(ts));
  std::ifstream in{file};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  BOOST_CHECK(contains(text, "privkey:zz")); // left as it was
  std::remove(file.c_str());
  ::rmdir(dir);
  // both modes at once: refused
  config_file f{lone_node};
  BOOST_CHECK_EQUAL(tsnode_set_wg_config(ts, f.path.c_str()), 0);
  BOOST_CHECK_EQUAL(tsnode_up(ts), -1);
  BOOST_CHECK(contains(errmsg(ts), "choose one mode"));
  BOOST_CHECK_EQUAL(tsnode_close(ts), 0);
}

BOOST_AUTO_TEST_CASE(errmsg_truncates_and_says_so) {
  auto ts = tsnode_new();
  BOOST_CHECK_EQUAL(tsnode_set_dir(ts, nullptr), -1);
  char small[5];
  BOOST_CHECK_EQUAL(tsnode_errmsg(ts, small, sizeof small), -1);
  BOOST_CHECK_EQUAL(std::string{small}, "tsno");
  BOOST_CHECK_EQUAL(tsnode_close(ts), 0);
}

BOOST_AUTO_TEST_CASE(up_node_refuses_bad_calls) {
  config_file f{lone_node};
  auto ts = tsnode_new();
  BOOST_CHECK_EQUAL(tsnode_set_wg_config(ts, f.path.c_str()), 0);
  BOOST_CHECK_EQUAL(tsnode_add_host(ts, "web", "10.77.0.2"), 0);
  BOOST_REQUIRE_EQUAL(tsnode_up(ts), 0);
  BOOST_CHECK_EQUAL(errmsg(ts), "");
  // settings are fixed; up twice is an error
  BOOST_CHECK_EQUAL(tsnode_up(ts), -1);
  BOOST_CHECK(contains(errmsg(ts), "up already"));
  BOOST_CHECK_EQUAL(tsnode_set_hostname(ts, "late"), -1);
  BOOST_CHECK(contains(errmsg(ts), "fixed"));
  // the loopback proxy: too small a buffer, then the real thing (the same one twice)
  char addr[64], cred[33];
  BOOST_CHECK_EQUAL(tsnode_loopback(ts, addr, 8, cred), -1);
  BOOST_CHECK(contains(errmsg(ts), "too small"));
  BOOST_REQUIRE_EQUAL(tsnode_loopback(ts, addr, sizeof addr, cred), 0);
  BOOST_CHECK(std::string{addr}.rfind("127.0.0.1:", 0) == 0);
  BOOST_CHECK_EQUAL(std::strlen(cred), 32u);
  char addr2[64], cred2[33];
  BOOST_REQUIRE_EQUAL(tsnode_loopback(ts, addr2, sizeof addr2, cred2), 0);
  BOOST_CHECK_EQUAL(std::string{addr}, std::string{addr2});
  BOOST_CHECK_EQUAL(std::string{cred}, std::string{cred2});
  // dials that must fail, each with its reason
  int conn = 42;
  BOOST_CHECK_EQUAL(tsnode_dial(ts, "udp", "10.77.0.2:53", &conn), -1);
  BOOST_CHECK(contains(errmsg(ts), "want tcp"));
  BOOST_CHECK_EQUAL(tsnode_dial(ts, "tcp", "no-port", &conn), -1);
  BOOST_CHECK(contains(errmsg(ts), "host:port"));
  BOOST_CHECK_EQUAL(tsnode_dial(ts, "tcp", "web:99999", &conn), -1);
  BOOST_CHECK_EQUAL(tsnode_dial(ts, "tcp", "fd00::1:80", &conn), -1);
  BOOST_CHECK_EQUAL(tsnode_dial(ts, "tcp", "unknown:80", &conn), -1);
  BOOST_CHECK(contains(errmsg(ts), "no such host"));
  BOOST_CHECK_EQUAL(tsnode_dial(ts, "tcp6", "web:80", &conn), -1);
  BOOST_CHECK(contains(errmsg(ts), "no IPv6 address"));
  BOOST_CHECK_EQUAL(tsnode_dial(ts, "tcp", "web:80", &conn), -1); // no peer covers 10.77.0.2
  BOOST_CHECK(contains(errmsg(ts), "dial web:80"));
  BOOST_TEST_MESSAGE(errmsg(ts));
  BOOST_CHECK_EQUAL(conn, -1);
  BOOST_CHECK_EQUAL(tsnode_close(ts), 0);
  BOOST_CHECK_EQUAL(tsnode_close(ts), -1);
}

BOOST_AUTO_TEST_CASE(concurrent_dials_and_close) {
  config_file f{lone_node};
  auto ts = tsnode_new();
  BOOST_CHECK_EQUAL(tsnode_set_wg_config(ts, f.path.c_str()), 0);
  BOOST_REQUIRE_EQUAL(tsnode_up(ts), 0);
  std::atomic<int> failures{0}, successes{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 50; ++k) {
        int conn = -1;
        char buf[256];
        if (tsnode_dial(ts, "tcp", "10.1.2.3:80", &conn) == 0)
          ++successes;
        else
          ++failures;
        tsnode_errmsg(ts, buf, sizeof buf);
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_CHECK_EQUAL(tsnode_close(ts), 0);
  for (auto& t : threads)
    t.join();
  BOOST_CHECK_EQUAL(successes.load(), 0);
  BOOST_CHECK_EQUAL(failures.load(), 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(api_sync_node)

BOOST_AUTO_TEST_CASE(errors_carry_codes) {
  tsnode::sync_node n;
  int fd = 7;
  auto e = n.dial("tcp", "10.0.0.1:80", fd);
  BOOST_CHECK(e.code == tsnode::api_errc::bad_state);
  BOOST_CHECK_EQUAL(fd, -1);
  tsnode::sync_config cfg;
  cfg.wg_config = "/nonexistent.conf";
  e = n.start(cfg);
  BOOST_CHECK(e.code == tsnode::api_errc::config);
  BOOST_CHECK(!n.running());
  config_file f{lone_node};
  cfg.wg_config = f.path;
  cfg.hosts["web"] = {"not-an-ip"};
  e = n.start(cfg);
  BOOST_CHECK(e.code == tsnode::api_errc::bad_argument);
  cfg.hosts["web"] = {"10.77.0.2"};
  BOOST_REQUIRE(!n.start(cfg));
  BOOST_CHECK(n.running());
  std::vector<std::string> addrs;
  BOOST_CHECK(!n.resolve("WEB", addrs));
  BOOST_CHECK_EQUAL(addrs.size(), 1u);
  BOOST_CHECK(n.resolve("elsewhere", addrs).code == tsnode::api_errc::no_such_host);
  e = n.dial("tcp", "web:80", fd);
  BOOST_CHECK(e.code == tsnode::api_errc::no_route);
  tsnode::sync_status st;
  BOOST_REQUIRE(!n.status(st));
  BOOST_CHECK(st.listen_port != 0);
  BOOST_CHECK_EQUAL(st.addresses.size(), 1u);
  BOOST_CHECK_EQUAL(st.dial_failures, 1u);
  n.stop();
  n.stop();
  BOOST_CHECK(!n.running());
  BOOST_CHECK(n.status(st).code == tsnode::api_errc::bad_state);
}

BOOST_AUTO_TEST_SUITE_END()
