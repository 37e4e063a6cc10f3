// The pure pieces of the control shell (actors/control/): the netmap -> tailnet_map conversion,
// the reconnect backoff and the keep-alive watchdog, the control URL, and the state store on a
// real file system (modes, atomic writes, corrupt and too-open files refused).
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "actors/control/connection.hpp"
#include "actors/control/policy.hpp"
#include "actors/control/state_store.hpp"
#include "actors/control/to_tailnet_map.hpp"
#include "control/netmap.hpp"

using namespace tsnode;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

/// A random source that repeats one byte.
class fixed_random final : public crypto::random_source {
public:
  explicit fixed_random(std::uint8_t b)
    : b_(b) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& x : out)
      x = b_;
  }

private:
  std::uint8_t b_;
};

/// A fresh directory under the system temp dir, removed at the end of the test.
struct temp_dir {
  fs::path path;
  temp_dir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("tsnode-control-test-" + std::to_string(rd()));
    fs::remove_all(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  BOOST_REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

constexpr std::string_view map_json = R"({
  "Node": {"ID": 7, "Name": "TSNode-A.Tailnet.Test.", "Key": "nodekey:50d20b455ecf12bc453f83c2cfdb2a24925d06cf2598dcaa54e91af82ce9f765",
           "KeyExpiry": "2030-01-02T03:04:05Z",
           "DiscoKey": "discokey:1111111111111111111111111111111111111111111111111111111111111111",
           "Addresses": ["fd7a:115c:a1e0::7/128", "100.64.0.7/32"],
           "HomeDERP": 999, "Hostinfo": {"Hostname": "tsnode-a", "OS": "linux"}, "Online": true},
  "Peers": [
    {"ID": 9, "Name": "peer2.tailnet.test.", "Key": "nodekey:0202020202020202020202020202020202020202020202020202020202020202",
     "DiscoKey": "discokey:0000000000000000000000000000000000000000000000000000000000000000",
     "Addresses": ["100.64.0.9/32"], "Endpoints": ["192.0.2.1:41641", "[2001:db8::1]:41641"],
     "Hostinfo": {"Hostname": "peer2", "OS": "linux"}},
    {"ID": 2, "Name": "peer1.tailnet.test.", "Key": "nodekey:0101010101010101010101010101010101010101010101010101010101010101",
     "KeyExpiry": "0001-01-01T00:00:00Z",
     "DiscoKey": "discokey:0303030303030303030303030303030303030303030303030303030303030303",
     "Addresses": ["100.64.0.2/32", "fd7a:115c:a1e0::2/128"], "AllowedIPs": ["100.64.0.2/32"],
     "Hostinfo": {"Hostname": "peer1", "OS": "linux"}, "Online": false}
  ],
  "DNSConfig": {"Proxied": true, "Domains": ["tailnet.test"]},
  "Domain": "headscale.example"
})";

} // namespace

BOOST_AUTO_TEST_SUITE(control_shell)

BOOST_AUTO_TEST_CASE(tailnet_map_texts) {
  control::map_session s;
  auto r = s.apply(map_json, control::wall_time{std::chrono::seconds{1800000000}});
  BOOST_REQUIRE(std::holds_alternative<control::map_update>(r));
  auto m = to_tailnet_map(s.current());
  BOOST_TEST(m.generation == 0u);
  BOOST_TEST(m.domain == "tailnet.test"); // from the self name, not MapResponse.Domain
  BOOST_TEST(m.magic_dns);
  BOOST_TEST(m.self.id == 7);
  BOOST_TEST(m.self.name == "tsnode-a.tailnet.test");
  BOOST_TEST(m.self.hostname == "tsnode-a");
  BOOST_TEST((m.self.addresses == std::vector<std::string>{"100.64.0.7", "fd7a:115c:a1e0::7"}));
  BOOST_TEST(
    (m.self.allowed_ips == std::vector<std::string>{"fd7a:115c:a1e0::7/128", "100.64.0.7/32"}));
  BOOST_TEST(m.self.node_key
             == "nodekey:50d20b455ecf12bc453f83c2cfdb2a24925d06cf2598dcaa54e91af82ce9f765");
  BOOST_TEST(m.self.key_expiry_unix_ms == 1893553445000);
  BOOST_TEST(m.self.home_derp == 999);
  BOOST_TEST(m.self.online_known);
  BOOST_TEST(m.self.online);

  BOOST_REQUIRE_EQUAL(m.peers.size(), 2u);
  auto& p1 = m.peers[0]; // sorted by id
  auto& p2 = m.peers[1];
  BOOST_TEST(p1.id == 2);
  BOOST_TEST(p1.name == "peer1.tailnet.test");
  BOOST_TEST((p1.addresses == std::vector<std::string>{"100.64.0.2", "fd7a:115c:a1e0::2"}));
  BOOST_TEST((p1.allowed_ips == std::vector<std::string>{"100.64.0.2/32"}));
  BOOST_TEST(p1.disco_key
             == "discokey:0303030303030303030303030303030303030303030303030303030303030303");
  BOOST_TEST(p1.key_expiry_unix_ms == 0); // Go's zero time: never
  BOOST_TEST(p1.online_known);
  BOOST_TEST(!p1.online);
  BOOST_TEST(p2.id == 9);
  BOOST_TEST(p2.disco_key == ""); // zero disco key: unusable, shown as none
  BOOST_TEST((p2.allowed_ips == std::vector<std::string>{"100.64.0.9/32"}));
  BOOST_TEST((p2.endpoints == std::vector<std::string>{"192.0.2.1:41641", "[2001:db8::1]:41641"}));
  BOOST_TEST(!p2.online_known);
}

BOOST_AUTO_TEST_CASE(backoff_doubles_to_the_cap_with_jitter_in_the_upper_half) {
  auto base = 1000ms, cap = 30000ms;
  fixed_random some{0x80};
  BOOST_TEST(control_policy::reconnect_delay(0, base, cap, some).count() == 0);
  // Doubling 1, 2, 4, 8, 16, 30, 30 s, each jittered into [d/2, d].
  std::vector<long> want{1000, 2000, 4000, 8000, 16000, 30000, 30000};
  auto& sys = crypto::system_random::instance();
  for (unsigned n = 1; n <= want.size(); ++n) {
    auto d = want[n - 1];
    long lo = d, hi = 0;
    for (int i = 0; i < 200; ++i) {
      auto x = control_policy::reconnect_delay(n, base, cap, sys).count();
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    BOOST_TEST(lo >= d / 2);
    BOOST_TEST(hi <= d);
    BOOST_TEST(hi - lo > d / 4); // really jittered
  }
  BOOST_TEST(control_policy::reconnect_delay(1000, base, cap, sys).count() <= 30000);
  // Deterministic for a given random source (the injected one of the actor).
  fixed_random again{0x80};
  BOOST_TEST(control_policy::reconnect_delay(4, base, cap, some).count()
             == control_policy::reconnect_delay(4, base, cap, again).count());
}

BOOST_AUTO_TEST_CASE(watchdog_fires_after_the_keepalive_timeout) {
  std::chrono::steady_clock::time_point t0{};
  BOOST_TEST(!control_policy::stream_silent(t0, t0 + 119s, 120s));
  BOOST_TEST(control_policy::stream_silent(t0, t0 + 120s, 120s));
  BOOST_TEST(control_policy::stream_silent(t0, t0 + 600s, 120s));
}

BOOST_AUTO_TEST_CASE(home_derp_is_the_lowest_usable_region) {
  control::derp_map m;
  BOOST_TEST(control_policy::choose_home_derp(m) == 0);
  control::derp_region r;
  r.nodes.push_back(control::derp_node{});
  m.regions[999] = r;
  m.regions[5] = r;
  m.regions[5].avoid = true;
  m.regions[7] = r;
  m.regions[7].no_measure_no_home = true;
  m.regions[9] = control::derp_region{}; // no nodes
  BOOST_TEST(control_policy::choose_home_derp(m) == 999);
  m.regions[900] = r;
  BOOST_TEST(control_policy::choose_home_derp(m) == 900);
}

BOOST_AUTO_TEST_CASE(control_urls) {
  auto a = control_io::parse_server_url("http://127.0.0.1:8080");
  BOOST_REQUIRE(a);
  BOOST_TEST(!a->tls);
  BOOST_TEST(a->host == "127.0.0.1");
  BOOST_TEST(a->port == 8080);
  BOOST_TEST(a->authority == "127.0.0.1:8080");
  auto b = control_io::parse_server_url("https://hs.example.com/");
  BOOST_REQUIRE(b);
  BOOST_TEST(b->tls);
  BOOST_TEST(b->port == 443);
  BOOST_TEST(b->authority == "hs.example.com");
  BOOST_TEST(b->text == "https://hs.example.com");
  auto c = control_io::parse_server_url("http://[::1]:9");
  BOOST_REQUIRE(c);
  BOOST_TEST(c->host == "::1");
  BOOST_TEST(c->port == 9);
  for (auto bad : {"ftp://x", "http://", "http://h:0", "http://h:70000", "http://h/path",
                   "http://u@h", "http://[::1", "h:80", "http://h:"})
    BOOST_TEST(!control_io::parse_server_url(bad), bad);
}

BOOST_AUTO_TEST_CASE(state_store_creates_keeps_and_refuses) {
  temp_dir tmp;
  auto dir = tmp.path / "state";
  auto first = load_or_create_state(dir);
  BOOST_REQUIRE(std::holds_alternative<loaded_state>(first));
  auto& a = std::get<loaded_state>(first);
  BOOST_TEST(a.created);
  BOOST_TEST(a.file == dir / "tsnode-state");
  BOOST_TEST(mode_of(dir) == 0700u);
  BOOST_TEST(mode_of(a.file) == 0600u);
  BOOST_TEST(!fs::exists(dir / "tsnode-state.tmp"));

  // The same identity on the next start.
  auto second = load_or_create_state(dir);
  BOOST_REQUIRE(std::holds_alternative<loaded_state>(second));
  auto& b = std::get<loaded_state>(second);
  BOOST_TEST(!b.created);
  BOOST_TEST(b.keys.machine.to_text() == a.keys.machine.to_text());
  BOOST_TEST(b.keys.node.to_text() == a.keys.node.to_text());

  // A rotation is saved atomically, with the old key.
  auto rotated = b.keys.clone();
  rotated.old_node = rotated.node.public_key();
  rotated.node = crypto::node_private::generate(crypto::system_random::instance());
  BOOST_TEST(!save_state(dir, rotated));
  auto third = std::get<loaded_state>(load_or_create_state(dir));
  BOOST_TEST(third.keys.node.to_text() == rotated.node.to_text());
  BOOST_REQUIRE(third.keys.old_node);
  BOOST_TEST(third.keys.old_node->to_text() == b.keys.node.public_key().to_text());
  BOOST_TEST(mode_of(a.file) == 0600u);

  // Too open: refused, not rewritten.
  fs::permissions(a.file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  auto open = load_or_create_state(dir);
  BOOST_REQUIRE(std::holds_alternative<std::string>(open));
  BOOST_TEST(std::get<std::string>(open).find("mode 0640") != std::string::npos);
  fs::permissions(a.file, fs::perms::owner_read | fs::perms::owner_write);

  // Corrupt: refused with the reason, and the file is left alone.
  std::string corrupt = "format=tsnode-state-1\nmachine_key=privkey:12\n";
  {
    std::ofstream f{a.file, std::ios::trunc};
    f << corrupt;
  }
  auto bad = load_or_create_state(dir);
  BOOST_REQUIRE(std::holds_alternative<std::string>(bad));
  auto& why = std::get<std::string>(bad);
  BOOST_TEST(why.find("is corrupt (line 2: machine_key: not a key") != std::string::npos, why);
  BOOST_TEST(why.find("refusing to make a new identity") != std::string::npos);
  BOOST_TEST(fs::file_size(a.file) == corrupt.size());

  // Empty (e.g. truncated by a full disk): also refused.
  { std::ofstream f{a.file, std::ios::trunc}; }
  BOOST_TEST(std::holds_alternative<std::string>(load_or_create_state(dir)));

  // Not a directory.
  auto not_dir = load_or_create_state(a.file);
  BOOST_REQUIRE(std::holds_alternative<std::string>(not_dir));
  BOOST_TEST(std::get<std::string>(not_dir).find("not a directory") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
