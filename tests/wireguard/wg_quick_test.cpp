// wg-quick configuration files (wireguard/wg_quick.hpp): every key, the syntax, each error with
// its line, notices, endpoints, conversion to the endpoint's types, and file loading.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "crypto/base64.hpp"
#include "tests/support/hex.hpp"
#include "tests/wireguard/print.hpp"
#include "tests/wireguard/test_random.hpp"
#include "wireguard/endpoint.hpp"
#include "wireguard/wg_quick.hpp"

using namespace tsnode;
using namespace tsnode::wireguard;
using crypto::key_from_base64;
using crypto::key_to_base64;
using tsnode::test::filled;
using tsnode::test::hex_of;

namespace {

// The keys of wg(8)'s "CONFIGURATION FILE FORMAT EXAMPLE" (wireguard-tools v1.0.20210914);
// doc_public is `wg pubkey` of doc_private.
constexpr std::string_view doc_private = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
constexpr std::string_view doc_public = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=";
constexpr std::string_view peer1 = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
constexpr std::string_view peer2 = "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=";
constexpr std::string_view peer3 = "gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA=";

// wg(8)'s example file verbatim.
constexpr std::string_view wg8_example = R"([Interface]
PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
ListenPort = 51820

[Peer]
PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
Endpoint = 192.95.5.67:1234
AllowedIPs = 10.192.122.3/32, 10.192.124.1/24

[Peer]
PublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=
Endpoint = [2607:5300:60:6b0::c05f:543]:2468
AllowedIPs = 10.192.122.4/32, 192.168.0.0/16

[Peer]
PublicKey = gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA=
Endpoint = test.wireguard.com:18981
AllowedIPs = 10.10.10.230/32
)";

crypto::node_public pub(std::string_view b64) {
  return crypto::node_public{*key_from_base64(b64)};
}

std::string psk_text(std::uint8_t b) {
  return key_to_base64(filled<32>(b));
}

/// Returns the configuration, failing the test with the error when there is none.
const wg_quick_config& ok(const wg_quick_result& r) {
  if (const auto* e = std::get_if<wg_quick_error>(&r))
    BOOST_FAIL("unexpected error: " << e->to_string());
  return std::get<wg_quick_config>(r);
}

/// Returns the error's text for `text` parsed as "wg.conf", or "(parsed)".
std::string error_of(std::string_view text) {
  auto r = parse_wg_quick(text, "wg.conf");
  if (const auto* e = std::get_if<wg_quick_error>(&r))
    return e->to_string();
  return "(parsed)";
}

std::string interface_head() {
  return "[Interface]\nPrivateKey = " + std::string{doc_private} + "\n";
}

std::vector<std::string> notice_texts(const wg_quick_config& c) {
  std::vector<std::string> out;
  for (const auto& n : c.notices)
    out.push_back(n.to_string());
  return out;
}

/// A fresh directory under the temporary directory, removed with its files at the end.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "wg_quick_test.XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path write(const std::string& name, std::string_view text,
                              std::filesystem::perms mode = std::filesystem::perms::owner_read
                                                            | std::filesystem::perms::owner_write) {
    auto p = path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream{p, std::ios::binary} << text;
    std::filesystem::permissions(p, mode);
    return p;
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(wireguard_wg_quick)

// -- the happy path ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(parses_the_wg8_example) {
  auto r = parse_wg_quick(wg8_example, "wg0.conf");
  const auto& c = ok(r);
  BOOST_REQUIRE(c.private_key);
  BOOST_TEST(key_to_base64(c.private_key->raw().bytes()) == doc_private);
  BOOST_TEST(key_to_base64(c.private_key->public_key().bytes) == doc_public);
  BOOST_TEST(!c.private_key_file);
  BOOST_TEST(c.interface_line == 1);
  BOOST_CHECK(c.listen_port == std::optional<std::uint16_t>{51820});
  BOOST_TEST(!c.mtu);
  BOOST_TEST(c.addresses.empty());
  BOOST_TEST(c.notices.empty());
  BOOST_TEST(c.keys_complete());
  BOOST_REQUIRE(c.peers.size() == 3u);

  const auto& a = c.peers[0];
  BOOST_TEST(a.line == 5);
  BOOST_CHECK(a.public_key == pub(peer1));
  BOOST_TEST(!a.preshared_key);
  BOOST_REQUIRE(a.endpoint);
  BOOST_TEST(a.endpoint->host == "192.95.5.67");
  BOOST_TEST(a.endpoint->port == 1234);
  BOOST_TEST(a.endpoint->address == udp_address::parse("192.95.5.67:1234"));
  // Host bits of 10.192.124.1/24 are masked off, as wg(8) shows it: 10.192.124.0/24.
  BOOST_REQUIRE(a.allowed_ips.size() == 2u);
  BOOST_TEST(a.allowed_ips[0].to_string() == "10.192.122.3/32");
  BOOST_TEST(a.allowed_ips[1].to_string() == "10.192.124.0/24");
  BOOST_TEST(a.persistent_keepalive == 0);

  const auto& b = c.peers[1];
  BOOST_TEST(b.line == 10);
  BOOST_CHECK(b.public_key == pub(peer2));
  BOOST_REQUIRE(b.endpoint);
  BOOST_TEST(b.endpoint->host == "2607:5300:60:6b0::c05f:543");
  BOOST_TEST(b.endpoint->port == 2468);
  BOOST_TEST(b.endpoint->address == udp_address::parse("[2607:5300:60:6b0::c05f:543]:2468"));
  BOOST_TEST(b.endpoint->to_string() == "[2607:5300:60:6b0::c05f:543]:2468");

  const auto& h = c.peers[2];
  BOOST_REQUIRE(h.endpoint);
  BOOST_TEST(h.endpoint->host == "test.wireguard.com");
  BOOST_TEST(h.endpoint->port == 18981);
  BOOST_TEST(!h.endpoint->address); // a name: the caller resolves it
  BOOST_TEST(h.endpoint->to_string() == "test.wireguard.com:18981");
}

BOOST_AUTO_TEST_CASE(every_key) {
  const std::string text = "[Interface]\n"
                           "PrivateKey = "
                           + std::string{doc_private}
                           + "\n"
                             "Address = 10.0.0.2/24, fd00::2/64\n"
                             "Address = 100.64.0.7\n"
                             "Address = fd7a:115c:a1e0::7\n"
                             "ListenPort = 0\n"
                             "MTU = 1280\n"
                             "\n"
                             "[Peer]\n"
                             "PublicKey = "
                           + std::string{peer1}
                           + "\n"
                             "PresharedKey = "
                           + psk_text(7)
                           + "\n"
                             "Endpoint = 198.51.100.1:51820\n"
                             "AllowedIPs = 0.0.0.0/0\n"
                             "AllowedIPs = ::/0, 10.0.0.0/8\n"
                             "PersistentKeepalive = 25\n";
  auto r = parse_wg_quick(text, "wg.conf");
  const auto& c = ok(r);
  BOOST_REQUIRE(c.addresses.size() == 4u);
  // The interface address keeps its host part; network() gives the prefix it is in.
  BOOST_TEST(c.addresses[0].to_string() == "10.0.0.2/24");
  BOOST_TEST(c.addresses[0].network().to_string() == "10.0.0.0/24");
  BOOST_TEST(c.addresses[1].to_string() == "fd00::2/64");
  BOOST_TEST(c.addresses[2].to_string() == "100.64.0.7/32"); // bare: a host address
  BOOST_TEST(c.addresses[3].to_string() == "fd7a:115c:a1e0::7/128");
  BOOST_CHECK(c.listen_port == std::optional<std::uint16_t>{0});
  BOOST_CHECK(c.mtu == std::optional<std::uint16_t>{1280});
  BOOST_REQUIRE(c.peers.size() == 1u);
  const auto& p = c.peers[0];
  BOOST_REQUIRE(p.preshared_key);
  BOOST_TEST(hex_of(p.preshared_key->bytes()) == hex_of(filled<32>(7)));
  BOOST_TEST(!p.preshared_key_file);
  BOOST_REQUIRE(p.allowed_ips.size() == 3u);
  BOOST_TEST(p.allowed_ips[0].to_string() == "0.0.0.0/0");
  BOOST_TEST(p.allowed_ips[1].to_string() == "::/0");
  BOOST_TEST(p.allowed_ips[2].to_string() == "10.0.0.0/8");
  BOOST_TEST(p.persistent_keepalive == 25);
  BOOST_TEST(c.notices.empty());
}

BOOST_AUTO_TEST_CASE(keepalive_off_and_zero) {
  for (std::string_view v : {"off", "OFF", "Off", "0"}) {
    auto r = parse_wg_quick(interface_head() + "[Peer]\nPublicKey = " + std::string{peer1}
                              + "\nPersistentKeepalive = " + std::string{v} + "\n",
                            "wg.conf");
    BOOST_TEST(ok(r).peers.at(0).persistent_keepalive == 0, v);
  }
  auto r = parse_wg_quick(interface_head() + "[Peer]\nPublicKey = " + std::string{peer1}
                            + "\nPersistentKeepalive = 65535\n",
                          "wg.conf");
  BOOST_TEST(ok(r).peers.at(0).persistent_keepalive == 65535);
}

BOOST_AUTO_TEST_CASE(comments_blank_lines_whitespace_crlf_and_bom) {
  const std::string text = "\xef\xbb\xbf# a wg-quick file written on Windows\r\n"
                           "; INI comment\r\n"
                           "\r\n"
                           "  [ Interface ]  # trailing comment\r\n"
                           "\tPrivateKey\t=\t"
                           + std::string{doc_private}
                           + "  ; why not\r\n"
                             "ListenPort=51820#no spaces\r\n"
                             "   \t  \r\n"
                             "[Peer]\r\n"
                             "PublicKey =   "
                           + std::string{peer2}
                           + "   \r\n"
                             "AllowedIPs = 10.0.0.1/32 ,  10.0.0.2/32,10.0.0.3/32\r\n"
                             "# AllowedIPs = 10.9.9.9/32\r\n"
                             "Endpoint = [::1]:51820"; // no final newline
  auto r = parse_wg_quick(text, "wg.conf");
  const auto& c = ok(r);
  BOOST_TEST(c.interface_line == 4);
  BOOST_CHECK(c.listen_port == std::optional<std::uint16_t>{51820});
  BOOST_REQUIRE(c.peers.size() == 1u);
  BOOST_TEST(c.peers[0].line == 8);
  BOOST_CHECK(c.peers[0].public_key == pub(peer2));
  BOOST_TEST(c.peers[0].allowed_ips.size() == 3u);
  BOOST_REQUIRE(c.peers[0].endpoint);
  BOOST_TEST(c.peers[0].endpoint->address == udp_address::parse("[::1]:51820"));
}

BOOST_AUTO_TEST_CASE(keys_and_sections_ignore_case) {
  const std::string text = "[INTERFACE]\n"
                           "privatekey = "
                           + std::string{doc_private}
                           + "\n"
                             "ADDRESS = 10.0.0.2/32\n"
                             "listenPORT = 1\n"
                             "mtu = 1420\n"
                             "dns = 1.1.1.1\n"
                             "[peer]\n"
                             "PUBLICKEY = "
                           + std::string{peer1}
                           + "\n"
                             "allowedips = 10.0.0.0/24\n"
                             "endPoint = 192.0.2.1:1\n"
                             "persistentkeepalive = off\n"
                             "presharedKEY = "
                           + psk_text(1) + "\n";
  auto r = parse_wg_quick(text, "wg.conf");
  const auto& c = ok(r);
  BOOST_TEST(c.addresses.size() == 1u);
  BOOST_CHECK(c.listen_port == std::optional<std::uint16_t>{1});
  BOOST_CHECK(c.mtu == std::optional<std::uint16_t>{1420});
  BOOST_REQUIRE(c.peers.size() == 1u);
  BOOST_TEST(c.peers[0].allowed_ips.size() == 1u);
  BOOST_TEST(c.peers[0].preshared_key.has_value());
  BOOST_REQUIRE(c.notices.size() == 1u);
  BOOST_TEST(c.notices[0].line == 6);
}

BOOST_AUTO_TEST_CASE(several_peers_and_addresses_keep_file_order) {
  std::string text
    = interface_head() + "Address = 10.0.0.1/24\nAddress = 10.0.1.1/24, 10.0.0.1/24\n";
  for (auto k : {peer1, peer2, peer3, doc_public})
    text += "[Peer]\nPublicKey = " + std::string{k} + "\n";
  // doc_public is our own key: use another one for the fourth peer.
  text.replace(text.rfind(doc_public), doc_public.size(), key_to_base64(filled<32>(9)));
  auto r = parse_wg_quick(text, "wg.conf");
  const auto& c = ok(r);
  BOOST_REQUIRE(c.addresses.size() == 2u); // the duplicate 10.0.0.1/24 is listed once
  BOOST_TEST(c.addresses[1].to_string() == "10.0.1.1/24");
  BOOST_REQUIRE(c.peers.size() == 4u);
  BOOST_CHECK(c.peers[0].public_key == pub(peer1));
  BOOST_CHECK(c.peers[2].public_key == pub(peer3));
  BOOST_TEST(c.peers[3].line == 11);
  BOOST_TEST(c.peers[0].allowed_ips.empty());
  BOOST_TEST(!c.peers[0].endpoint);
}

BOOST_AUTO_TEST_CASE(empty_lists_and_peer_free_files_are_fine) {
  auto r = parse_wg_quick(interface_head() + "Address =\n[Peer]\nPublicKey = " + std::string{peer1}
                            + "\nAllowedIPs =\n",
                          "wg.conf");
  BOOST_TEST(ok(r).addresses.empty());
  BOOST_TEST(ok(r).peers.at(0).allowed_ips.empty());
  auto lone = parse_wg_quick(interface_head(), "wg.conf");
  BOOST_TEST(ok(lone).peers.empty());
}

// -- notices -----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(host_side_keys_are_ignored_with_a_notice) {
  const std::string text = interface_head()                 // lines 1-2
                           + "DNS = 1.1.1.1, example.com\n" // 3
                             "Table = off\n"                // 4
                             "PreUp = echo pre; true\n"     // 5: ';' cuts the comment, no matter
                             "PostUp = iptables -A FORWARD -i %i -j ACCEPT\n"   // 6
                             "PreDown = echo # bye\n"                           // 7
                             "PostDown = iptables -D FORWARD -i %i -j ACCEPT\n" // 8
                             "SaveConfig = true\n"                              // 9
                             "FwMark = 0x1234\n"                                // 10
                             "DNS = 9.9.9.9\n";                                 // 11
  auto r = parse_wg_quick(text, "wg.conf");
  const auto& c = ok(r);
  const std::vector<std::string> want = {
    "wg.conf:3: DNS ignored: tsnode leaves the host's resolver alone (tsproxy's --host names "
    "stand in)",
    "wg.conf:4: Table ignored: tsnode installs no routes on the host",
    "wg.conf:5: PreUp ignored: tsnode runs no scripts",
    "wg.conf:6: PostUp ignored: tsnode runs no scripts",
    "wg.conf:7: PreDown ignored: tsnode runs no scripts",
    "wg.conf:8: PostDown ignored: tsnode runs no scripts",
    "wg.conf:9: SaveConfig ignored: tsnode never writes the configuration back",
    "wg.conf:10: FwMark ignored: tsnode's sockets carry no firewall mark",
    "wg.conf:11: DNS ignored: tsnode leaves the host's resolver alone (tsproxy's --host names "
    "stand in)",
  };
  BOOST_TEST(notice_texts(c) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_allowed_ip_in_two_peers_moves_to_the_later_with_a_notice) {
  const std::string text = interface_head()                                           // 1-2
                           + "[Peer]\nPublicKey = " + std::string{peer1}              // 3-4
                           + "\nAllowedIPs = 10.0.0.0/24, 10.0.0.5/24, 10.1.0.0/16\n" // 5
                             "[Peer]\nPublicKey = "
                           + std::string{peer2}              // 6-7
                           + "\nAllowedIPs = 10.0.0.0/24\n"; // 8
  auto r = parse_wg_quick(text, "wg.conf");
  const auto& c = ok(r);
  // 10.0.0.5/24 is 10.0.0.0/24 again for the same peer: listed once, no notice.
  BOOST_TEST(c.peers.at(0).allowed_ips.size() == 2u);
  BOOST_TEST(c.peers.at(1).allowed_ips.size() == 1u);
  const std::vector<std::string> want
    = {"wg.conf:8: AllowedIPs: 10.0.0.0/24 is also in the [Peer] on line 3; this later peer takes "
       "it, as in wg(8)"};
  BOOST_TEST(notice_texts(c) == want, boost::test_tools::per_element());
}

// -- errors ------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(errors_name_the_file_and_line) {
  const std::string head = interface_head();                                   // lines 1-2
  const std::string peer = "[Peer]\nPublicKey = " + std::string{peer1} + "\n"; // 3-4
  struct {
    std::string text;
    std::string want;
  } cases[] = {
    // The brief's own example.
    {head + peer
       + "Endpoint = 192.0.2.1:51820\nPersistentKeepalive = 25\n\nAllowedIPs = 10.0.0.0/33\n",
     "wg.conf:8: AllowedIPs: \"10.0.0.0/33\" is not an IP prefix"},
    {head + peer + "AllowedIPs = 10.0.0.0/8,,10.1.0.0/16\n",
     "wg.conf:5: AllowedIPs: \"10.0.0.0/8,,10.1.0.0/16\" has an empty entry"},
    {head + peer + "AllowedIPs = 10.0.0.0/8,\n",
     "wg.conf:5: AllowedIPs: \"10.0.0.0/8,\" has an empty entry"},
    {head + peer + "AllowedIPs = example.com/32\n",
     "wg.conf:5: AllowedIPs: \"example.com/32\" is not an IP prefix"},
    // Structure.
    {"PrivateKey = " + std::string{doc_private} + "\n[Interface]\n",
     "wg.conf:1: \"PrivateKey\" comes before any section: start with [Interface]"},
    {head + "[Peers]\n",
     "wg.conf:3: unknown section \"[Peers]\": a wg-quick file has [Interface] and [Peer]"},
    {head + "[Peer\n", "wg.conf:3: \"[Peer\" is not a section header such as [Peer]"},
    {head + "ListenPort 51820\n", "wg.conf:3: \"ListenPort 51820\" is not \"Key = Value\""},
    {head + " = 5\n", "wg.conf:3: \"= 5\" is not \"Key = Value\""},
    {head + "Foo = bar\n", "wg.conf:3: unknown key \"Foo\" in [Interface]"},
    {head + peer + "Private Key = x\n", "wg.conf:5: unknown key \"Private Key\" in [Peer]"},
    {head + "PublicKey = " + std::string{peer1} + "\n",
     "wg.conf:3: PublicKey belongs in a [Peer] section"},
    {head + peer + "ListenPort = 1\n", "wg.conf:5: ListenPort belongs in [Interface]"},
    {head + peer + "DNS = 1.1.1.1\n", "wg.conf:5: DNS belongs in [Interface]"},
    {head + "ListenPort = 1\nlistenport = 2\n",
     "wg.conf:4: ListenPort is given twice (first on line 3)"},
    {head + peer + "Endpoint = 192.0.2.1:1\nEndpoint = 192.0.2.2:1\n",
     "wg.conf:6: Endpoint is given twice (first on line 5)"},
    {head + peer + "[Interface]\n",
     "wg.conf:5: a second [Interface] section (the first is on line 1)"},
    {head + "PrivateKey = " + std::string{doc_private} + "\n",
     "wg.conf:3: PrivateKey is given twice (first on line 2)"},
    {head + "PrivateKeyFile = key\n",
     "wg.conf:3: PrivateKeyFile and PrivateKey (line 2) exclude each other"},
    {"[Interface]\nPrivateKeyFile = key\nPrivateKey = " + std::string{doc_private} + "\n",
     "wg.conf:3: PrivateKey and PrivateKeyFile (line 2) exclude each other"},
    {head + peer + "PresharedKey = " + psk_text(1) + "\nPresharedKeyFile = psk\n",
     "wg.conf:6: PresharedKeyFile and PresharedKey (line 5) exclude each other"},
    {"[Interface]\nPrivateKeyFile =\n", "wg.conf:2: PrivateKeyFile has no path"},
    // Required keys.
    {"", "wg.conf: has no [Interface] section"},
    {"# nothing\n[Peer]\nPublicKey = " + std::string{peer1} + "\n",
     "wg.conf: has no [Interface] section"},
    {"\n[Interface]\nListenPort = 1\n",
     "wg.conf:2: [Interface] has no PrivateKey (or PrivateKeyFile)"},
    {head + "[Peer]\nAllowedIPs = 10.0.0.0/8\n" + peer, "wg.conf:3: [Peer] has no PublicKey"},
    {head + peer + "[Peer]\n", "wg.conf:5: [Peer] has no PublicKey"},
    {head + peer + "[Peer]\nPublicKey = " + std::string{peer1} + "\n",
     "wg.conf:6: PublicKey: the [Peer] on line 3 has this key already"},
    {head + peer + "[Peer]\nPublicKey = " + std::string{doc_public} + "\n",
     "wg.conf:5: PublicKey: this [Peer] has the interface's own public key"},
    // Keys.
    {"[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk\n",
     "wg.conf:2: PrivateKey: the value is not a base64 key of 32 bytes (44 characters ending in "
     "\"=\")"},
    {"[Interface]\nPrivateKey = c809f3e5317e9575c9b5ed78b638b7ce530dabe85ddab614220241801ddf0669\n",
     "wg.conf:2: PrivateKey: the value is not a base64 key of 32 bytes (44 characters ending in "
     "\"=\")"},
    {"[Interface]\nPrivateKey = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
     "wg.conf:2: PrivateKey: the value is the all-zero key"},
    {head + "[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg\n",
     "wg.conf:4: PublicKey: \"xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg\" is not a base64 key of "
     "32 bytes (44 characters ending in \"=\")"},
    {head + "[Peer]\nPublicKey = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
     "wg.conf:4: PublicKey: the all-zero key is not a public key"},
    {head + peer + "PresharedKey = nope\n", "wg.conf:5: PresharedKey: the value is not a base64 "
                                            "key of 32 bytes (44 characters ending in \"=\")"},
    // Numbers.
    {head + "ListenPort = 65536\n",
     "wg.conf:3: ListenPort: \"65536\" is not a port number (0 to 65535)"},
    {head + "ListenPort = -1\n", "wg.conf:3: ListenPort: \"-1\" is not a port number (0 to 65535)"},
    {head + "ListenPort = 5182O\n",
     "wg.conf:3: ListenPort: \"5182O\" is not a port number (0 to 65535)"},
    {head + "ListenPort =\n", "wg.conf:3: ListenPort: \"\" is not a port number (0 to 65535)"},
    {head + "MTU = 575\n", "wg.conf:3: MTU: \"575\" is not a number from 576 to 65535"},
    {head + "MTU = 99999999999999999999\n",
     "wg.conf:3: MTU: \"99999999999999999999\" is not a number from 576 to 65535"},
    {head + peer + "PersistentKeepalive = on\n", "wg.conf:5: PersistentKeepalive: \"on\" is not "
                                                 "\"off\" or a number of seconds from 0 to 65535"},
    {head + peer + "PersistentKeepalive = 65536\n",
     "wg.conf:5: PersistentKeepalive: \"65536\" is not \"off\" or a number of seconds from 0 to "
     "65535"},
    // Addresses.
    {head + "Address = 10.0.0.1/33\n",
     "wg.conf:3: Address: \"10.0.0.1/33\" is not an IP address with an optional /prefix length"},
    {head + "Address = 10.0.0.1/24, fd00::1/129\n",
     "wg.conf:3: Address: \"fd00::1/129\" is not an IP address with an optional /prefix length"},
    {head + "Address = 10.0.0.1/\n",
     "wg.conf:3: Address: \"10.0.0.1/\" is not an IP address with an optional /prefix length"},
    {head + "Address = 10.0.0.1, ,10.0.0.2\n",
     "wg.conf:3: Address: \"10.0.0.1, ,10.0.0.2\" has an empty entry"},
    // Endpoints.
    {head + peer + "Endpoint = 192.0.2.1\n",
     "wg.conf:5: Endpoint: \"192.0.2.1\" has no port (host:port or [IPv6]:port)"},
    {head + peer + "Endpoint = 192.0.2.1:0\n",
     "wg.conf:5: Endpoint: \"192.0.2.1:0\" has no port from 1 to 65535"},
    {head + peer + "Endpoint = 192.0.2.1:65536\n",
     "wg.conf:5: Endpoint: \"192.0.2.1:65536\" has no port from 1 to 65535"},
    {head + peer + "Endpoint = vpn.example.com:\n",
     "wg.conf:5: Endpoint: \"vpn.example.com:\" has no port from 1 to 65535"},
    {head + peer + "Endpoint = fd00::1:51820\n",
     "wg.conf:5: Endpoint: \"fd00::1:51820\" needs brackets around an IPv6 address: "
     "[address]:port"},
    {head + peer + "Endpoint = [fd00::1:51820\n",
     "wg.conf:5: Endpoint: \"[fd00::1:51820\" has no closing ']'"},
    {head + peer + "Endpoint = [fd00::1]51820\n",
     "wg.conf:5: Endpoint: \"[fd00::1]51820\" has no port (host:port or [IPv6]:port)"},
    {head + peer + "Endpoint = [vpn.example.com]:51820\n",
     "wg.conf:5: Endpoint: \"[vpn.example.com]:51820\" has no IP address inside the brackets"},
    {head + peer + "Endpoint = [fe80::1%eth0]:51820\n",
     "wg.conf:5: Endpoint: \"[fe80::1%eth0]:51820\" has no IP address inside the brackets"},
    {head + peer + "Endpoint = bad_host!:51820\n",
     "wg.conf:5: Endpoint: \"bad_host!:51820\" is not an IP address or host name with a port"},
    {head + peer + "Endpoint = 10.0.0.256:51820\n",
     "wg.conf:5: Endpoint: \"10.0.0.256:51820\" is not an IP address or host name with a port"},
    {head + peer + "Endpoint = -vpn.example.com:51820\n",
     "wg.conf:5: Endpoint: \"-vpn.example.com:51820\" is not an IP address or host name with a "
     "port"},
    {head + peer + "Endpoint = vpn..example.com:51820\n",
     "wg.conf:5: Endpoint: \"vpn..example.com:51820\" is not an IP address or host name with a "
     "port"},
    {head + peer + "Endpoint = :51820\n",
     "wg.conf:5: Endpoint: \":51820\" is not an IP address or host name with a port"},
    // Odd bytes are escaped in messages.
    {head + "Foo\x01\xff = 1\n", "wg.conf:3: unknown key \"Foo\\x01\\xff\" in [Interface]"},
    {head + "\"\\ = 1\n", "wg.conf:3: unknown key \"\\\"\\\\\" in [Interface]"},
    {head + std::string(100, 'k') + " = 1\n",
     "wg.conf:3: unknown key \"" + std::string(64, 'k') + "...\" in [Interface]"},
  };
  for (auto& c : cases)
    BOOST_TEST(error_of(c.text) == c.want, "for:\n" << c.text);
}

BOOST_AUTO_TEST_CASE(messages_never_quote_secret_keys) {
  // A private key one character short, and a preshared key with a bad digit: neither may appear.
  const std::string priv{doc_private.substr(0, 43)};
  auto e1 = error_of("[Interface]\nPrivateKey = " + priv + "\n");
  BOOST_TEST(e1.find(priv) == std::string::npos);
  std::string psk = psk_text(5);
  psk[3] = '*';
  auto e2 = error_of(interface_head() + "[Peer]\nPublicKey = " + std::string{peer1}
                     + "\nPresharedKey = " + psk + "\n");
  BOOST_TEST(e2.find(psk) == std::string::npos);
  BOOST_TEST(e2.find("PresharedKey") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_error_stops_at_the_first_bad_line) {
  auto r
    = parse_wg_quick(interface_head() + "MTU = 1\nListenPort = x\n", "/etc/wireguard/wg0.conf");
  const auto* e = std::get_if<wg_quick_error>(&r);
  BOOST_REQUIRE(e);
  BOOST_TEST(e->file == "/etc/wireguard/wg0.conf");
  BOOST_TEST(e->line == 3);
  BOOST_TEST(e->message == "MTU: \"1\" is not a number from 576 to 65535");
}

// -- endpoints ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(endpoint_forms) {
  struct {
    std::string_view value;
    std::string_view host;
    std::uint16_t port;
    bool literal;
    std::string_view text;
  } cases[] = {
    {"192.0.2.1:51820", "192.0.2.1", 51820, true, "192.0.2.1:51820"},
    {"[2001:db8::1]:443", "2001:db8::1", 443, true, "[2001:db8::1]:443"},
    {"[::ffff:192.0.2.1]:1", "::ffff:192.0.2.1", 1, true, "[::ffff:192.0.2.1]:1"},
    {"[192.0.2.9]:7", "192.0.2.9", 7, true, "192.0.2.9:7"},
    {"vpn.example.com:51820", "vpn.example.com", 51820, false, "vpn.example.com:51820"},
    {"VPN.Example.COM.:65535", "VPN.Example.COM.", 65535, false, "VPN.Example.COM.:65535"},
    {"localhost:9", "localhost", 9, false, "localhost:9"},
    {"wg-1_a.example:9", "wg-1_a.example", 9, false, "wg-1_a.example:9"},
    {"1e100.net:9", "1e100.net", 9, false, "1e100.net:9"},
  };
  for (auto& c : cases) {
    auto r = parse_wg_quick(interface_head() + "[Peer]\nPublicKey = " + std::string{peer1}
                              + "\nEndpoint = " + std::string{c.value} + "\n",
                            "wg.conf");
    const auto& ep = ok(r).peers.at(0).endpoint;
    BOOST_REQUIRE_MESSAGE(ep, c.value);
    BOOST_TEST(ep->host == c.host);
    BOOST_TEST(ep->port == c.port);
    BOOST_TEST(ep->address.has_value() == c.literal, c.value);
    BOOST_TEST(ep->to_string() == c.text);
    if (c.literal)
      BOOST_TEST(ep->address->port == c.port);
  }
}

// -- conversion --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(converts_to_endpoint_types_and_configures_an_endpoint) {
  auto r = parse_wg_quick(wg8_example, "wg0.conf");
  auto& c = std::get<wg_quick_config>(r);
  BOOST_TEST(to_endpoint_config(c).mtu == 1420u); // wg-quick's default

  // An IP-literal endpoint converts as is.
  auto a = to_peer_config(c.peers[0]);
  BOOST_REQUIRE(a);
  BOOST_CHECK(a->public_key == pub(peer1));
  BOOST_TEST(a->endpoint == udp_address::parse("192.95.5.67:1234"));
  BOOST_TEST(a->allowed_ips.size() == 2u);
  BOOST_TEST(hex_of(a->preshared_key.bytes()) == hex_of(byte_array<32>{})); // none
  BOOST_TEST(a->persistent_keepalive.count() == 0);

  // A host name needs resolving first; the resolved address wins.
  BOOST_TEST(!to_peer_config(c.peers[2]));
  auto resolved = udp_address::parse("192.0.2.77:18981");
  auto h = to_peer_config(c.peers[2], resolved);
  BOOST_REQUIRE(h);
  BOOST_TEST(h->endpoint == resolved);

  // The whole file configures an endpoint.
  test::deterministic_random rng{7};
  endpoint ep{std::move(*c.private_key), rng, to_endpoint_config(c)};
  BOOST_TEST(key_to_base64(ep.public_key().bytes) == doc_public);
  for (auto& p : c.peers) {
    auto cfg = to_peer_config(p, p.endpoint && !p.endpoint->address ? resolved : std::nullopt);
    BOOST_REQUIRE(cfg);
    auto id = ep.add_peer(std::move(*cfg));
    BOOST_TEST(std::holds_alternative<peer_id>(id));
  }
  BOOST_TEST(ep.peers().size() == 3u);
}

BOOST_AUTO_TEST_CASE(conversion_carries_mtu_psk_and_keepalive) {
  auto r = parse_wg_quick(interface_head() + "MTU = 1280\n[Peer]\nPublicKey = " + std::string{peer1}
                            + "\nPresharedKey = " + psk_text(3) + "\nPersistentKeepalive = 25\n",
                          "wg.conf");
  const auto& c = ok(r);
  BOOST_TEST(to_endpoint_config(c).mtu == 1280u);
  auto p = to_peer_config(c.peers.at(0));
  BOOST_REQUIRE(p);
  BOOST_TEST(!p->endpoint);
  BOOST_TEST(hex_of(p->preshared_key.bytes()) == hex_of(filled<32>(3)));
  BOOST_TEST(p->persistent_keepalive.count() == 25);
}

// -- key files ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(key_files_are_paths_until_read) {
  auto r = parse_wg_quick("[Interface]\nPrivateKeyFile = keys/wg0.key\n[Peer]\nPublicKey = "
                            + std::string{peer1} + "\nPresharedKeyFile = /etc/wg/psk\n",
                          "wg.conf");
  auto& c = std::get<wg_quick_config>(r);
  BOOST_TEST(!c.private_key);
  BOOST_REQUIRE(c.private_key_file);
  BOOST_CHECK(*c.private_key_file == (wg_quick_key_file{"keys/wg0.key", 2}));
  BOOST_REQUIRE(c.peers.at(0).preshared_key_file);
  BOOST_CHECK(*c.peers[0].preshared_key_file == (wg_quick_key_file{"/etc/wg/psk", 5}));
  BOOST_TEST(!c.keys_complete());
  BOOST_TEST(!to_peer_config(c.peers[0])); // the preshared key is still missing

  // The pure setters take the files' text, as `wg genkey > key` writes it.
  auto bad = set_private_key_from_file(c, "not a key\n", "wg.conf");
  BOOST_REQUIRE(bad);
  BOOST_TEST(bad->to_string()
             == "wg.conf:2: PrivateKeyFile: the content of \"keys/wg0.key\" is not a base64 key "
                "of 32 bytes (44 characters ending in \"=\")");
  BOOST_TEST(!c.private_key);
  BOOST_TEST(!set_private_key_from_file(c, std::string{doc_private} + "\n", "wg.conf"));
  BOOST_REQUIRE(c.private_key);
  BOOST_TEST(key_to_base64(c.private_key->public_key().bytes) == doc_public);
  BOOST_TEST(!set_preshared_key_from_file(c, 0, "  " + psk_text(4) + "\r\n", "wg.conf"));
  BOOST_TEST(c.keys_complete());
  auto p = to_peer_config(c.peers[0]);
  BOOST_REQUIRE(p);
  BOOST_TEST(hex_of(p->preshared_key.bytes()) == hex_of(filled<32>(4)));
}

BOOST_AUTO_TEST_CASE(a_key_file_with_a_peers_own_key_is_refused) {
  auto r = parse_wg_quick(
    "[Interface]\nPrivateKeyFile = k\n[Peer]\nPublicKey = " + std::string{doc_public} + "\n",
    "wg.conf");
  auto& c = std::get<wg_quick_config>(r); // the key is not known yet: parsing passes
  auto e = set_private_key_from_file(c, doc_private, "wg.conf");
  BOOST_REQUIRE(e);
  BOOST_TEST(e->to_string()
             == "wg.conf:3: PublicKey: this [Peer] has the interface's own public key");
  BOOST_TEST(!c.private_key);
  auto zero
    = set_private_key_from_file(c, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "wg.conf");
  BOOST_REQUIRE(zero);
  BOOST_TEST(zero->message == "PrivateKeyFile: the content of \"k\" is the all-zero key");
}

BOOST_AUTO_TEST_CASE(load_reads_relative_key_files_and_warns_about_shared_files) {
  namespace fs = std::filesystem;
  temp_dir dir;
  dir.write("keys/wg0.key", std::string{doc_private} + "\n");
  dir.write("psk", psk_text(6) + "\n",
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  const std::string text = "[Interface]\n"
                           "PrivateKeyFile = ../keys/wg0.key\n"
                           "Address = 10.0.0.2/24\n"
                           "[Peer]\n"
                           "PublicKey = "
                           + std::string{peer1}
                           + "\n"
                             "PresharedKeyFile = "
                           + (dir.path / "psk").string() + "\n";
  const auto conf
    = dir.write("conf/wg0.conf", text, fs::perms::owner_read | fs::perms::others_read);
  // Relative key paths start at the configuration's directory: conf/../keys/ above, keys/ here.
  const auto conf2 = dir.write("wg1.conf", "[Interface]\nPrivateKeyFile = keys/wg0.key\n");

  auto r = load_wg_quick(conf.string());
  const auto& c = ok(r);
  BOOST_REQUIRE(c.private_key);
  BOOST_TEST(key_to_base64(c.private_key->public_key().bytes) == doc_public);
  BOOST_REQUIRE(c.peers.size() == 1u);
  BOOST_REQUIRE(c.peers[0].preshared_key);
  BOOST_TEST(hex_of(c.peers[0].preshared_key->bytes()) == hex_of(filled<32>(6)));
  BOOST_TEST(c.keys_complete());
  const std::vector<std::string> want = {
    conf.string()
      + ": group or others may access it (mode 0404): keep key material private "
        "with chmod 600",
    conf.string() + ":6: PresharedKeyFile: \"" + (dir.path / "psk").string()
      + "\": group or others may access it (mode 0640): keep key material private with chmod 600",
  };
  BOOST_TEST(notice_texts(c) == want, boost::test_tools::per_element());

  auto r2 = load_wg_quick(conf2.string());
  BOOST_TEST(ok(r2).private_key.has_value());
  BOOST_TEST(ok(r2).notices.empty()); // both files are 0600
}

BOOST_AUTO_TEST_CASE(load_errors_name_the_file) {
  namespace fs = std::filesystem;
  temp_dir dir;
  const auto missing = (dir.path / "nope.conf").string();
  auto r = load_wg_quick(missing);
  BOOST_REQUIRE(std::holds_alternative<wg_quick_error>(r));
  BOOST_TEST(std::get<wg_quick_error>(r).to_string() == missing + ": No such file or directory");

  auto r_dir = load_wg_quick(dir.path.string());
  BOOST_TEST(std::get<wg_quick_error>(r_dir).to_string() == dir.path.string() + ": is a directory");

  const auto conf = dir.write("wg0.conf", "[Interface]\nPrivateKeyFile = absent.key\n");
  auto r_key = load_wg_quick(conf.string());
  BOOST_REQUIRE(std::holds_alternative<wg_quick_error>(r_key));
  BOOST_TEST(std::get<wg_quick_error>(r_key).to_string()
             == conf.string() + ":2: PrivateKeyFile: \"" + (dir.path / "absent.key").string()
                  + "\": No such file or directory");

  const auto bad = dir.write("bad.conf", "[Interface]\nPrivateKey = " + std::string{doc_private}
                                           + "\nMTU = 10\n");
  auto r_bad = load_wg_quick(bad.string());
  BOOST_TEST(std::get<wg_quick_error>(r_bad).to_string()
             == bad.string() + ":3: MTU: \"10\" is not a number from 576 to 65535");

  const auto big = dir.write("big.conf", std::string((1u << 20) + 1, '#'));
  auto r_big = load_wg_quick(big.string());
  BOOST_TEST(std::get<wg_quick_error>(r_big).to_string()
             == big.string() + ": is larger than 1 MiB");

  const auto empty_key = dir.write("empty.key", "");
  const auto conf3 = dir.write("wg3.conf", "[Interface]\nPrivateKeyFile = empty.key\n");
  auto r_empty = load_wg_quick(conf3.string());
  BOOST_TEST(std::get<wg_quick_error>(r_empty).to_string()
             == conf3.string()
                  + ":2: PrivateKeyFile: the content of \"empty.key\" is not a base64 "
                    "key of 32 bytes (44 characters ending in \"=\")");

  // Permission denied needs an unprivileged user: root reads mode 000 files anyway.
  const auto locked = dir.write("locked.conf", "[Interface]\n", fs::perms::none);
  if (::geteuid() == 0) {
    BOOST_TEST_MESSAGE("running as root: skipping the permission-denied check");
    return;
  }
  auto r_locked = load_wg_quick(locked.string());
  BOOST_REQUIRE(std::holds_alternative<wg_quick_error>(r_locked));
  BOOST_TEST(std::get<wg_quick_error>(r_locked).to_string()
             == locked.string() + ": Permission denied");
}

BOOST_AUTO_TEST_SUITE_END()
