// wg_interop_probe: tsnode's WireGuard core (wireguard/endpoint.hpp) over a real UDP socket,
// against a real wireguard-go peer stood up by tests/support/wgpeer.sh (WGPEER_* variables).
// A test program, not a shell: the loop below is the least a dataplane must do (feed datagrams,
// send what the core asks, wake at next_deadline()).
//
// Usage:
//   wg_interop_probe initiate          handshake as initiator; 3 ICMPv4 and 3 ICMPv6 echoes
//                                      through the tunnel must be answered
//   wg_interop_probe serve PORT SECS   listen on UDP PORT and answer ICMP echo requests that
//                                      arrive through the tunnel (responder role); exit 0 when
//                                      at least one was answered within SECS
//   wg_interop_probe recover DIR       ping every 300 ms; after 3 replies create DIR/ready, wait
//                                      for DIR/restarted (the peer was killed and restarted with
//                                      the same key), then require replies again within 45 s
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "crypto/random.hpp"
#include "wireguard/endpoint.hpp"
#include "wireguard/ip_packet.hpp"

using namespace tsnode;
using namespace tsnode::wireguard;
using namespace std::chrono_literals;

namespace {

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "wg_interop_probe: %s\n", why.c_str());
  std::exit(2);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0')
    fail(std::string{"missing "} + name);
  return v;
}

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  return {std::istreambuf_iterator<char>{in}, {}};
}

/// Decodes a wg(8) base64 key.
byte_array<32> key_from_base64(std::string_view text) {
  static constexpr std::string_view alphabet
    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  byte_buffer out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == ' ')
      break;
    auto v = alphabet.find(c);
    if (v == std::string_view::npos)
      fail("bad base64 key");
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  if (out.size() != 32)
    fail("key is not 32 bytes");
  byte_array<32> k;
  std::copy(out.begin(), out.end(), k.begin());
  return k;
}

std::uint16_t checksum(const std::uint8_t* p, std::size_t n, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2)
    sum += static_cast<std::uint32_t>((p[i] << 8) | p[i + 1]);
  if (n & 1)
    sum += static_cast<std::uint32_t>(p[n - 1] << 8);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

void fix_icmp4(byte_buffer& p) {
  p[22] = p[23] = 0;
  store_be16(&p[22], checksum(&p[20], p.size() - 20));
}

void fix_icmp6(byte_buffer& p) {
  // RFC 8200 §8.1 pseudo-header: addresses, upper-layer length, next header 58.
  p[42] = p[43] = 0;
  std::uint32_t sum = static_cast<std::uint32_t>(p.size() - 40) + 58;
  for (std::size_t i = 8; i < 40; i += 2)
    sum += static_cast<std::uint32_t>((p[i] << 8) | p[i + 1]);
  store_be16(&p[42], checksum(&p[40], p.size() - 40, sum));
}

byte_buffer echo4(const ip_address& src, const ip_address& dst, std::uint16_t seq) {
  byte_buffer p(20 + 8 + 32, 0x61);
  p[0] = 0x45;
  p[1] = 0;
  store_be16(&p[2], static_cast<std::uint16_t>(p.size()));
  store_be16(&p[4], seq);
  p[6] = p[7] = 0;
  p[8] = 64;
  p[9] = 1; // ICMP
  p[10] = p[11] = 0;
  std::copy_n(src.bytes.data(), 4, &p[12]);
  std::copy_n(dst.bytes.data(), 4, &p[16]);
  store_be16(&p[10], checksum(p.data(), 20));
  p[20] = 8; // echo request
  p[21] = 0;
  store_be16(&p[24], 0x7473);
  store_be16(&p[26], seq);
  fix_icmp4(p);
  return p;
}

byte_buffer echo6(const ip_address& src, const ip_address& dst, std::uint16_t seq) {
  byte_buffer p(40 + 8 + 32, 0x62);
  p[0] = 0x60;
  p[1] = p[2] = p[3] = 0;
  store_be16(&p[4], 40);
  p[6] = 58; // ICMPv6
  p[7] = 64;
  std::copy_n(src.bytes.data(), 16, &p[8]);
  std::copy_n(dst.bytes.data(), 16, &p[24]);
  p[40] = 128; // echo request
  p[41] = 0;
  store_be16(&p[44], 0x7473);
  store_be16(&p[46], seq);
  fix_icmp6(p);
  return p;
}

/// Turns an echo request into its reply in place; returns false for anything else.
bool make_echo_reply(byte_buffer& p) {
  auto h = parse_ip_header(p);
  if (!h)
    return false;
  if (h->source.family == ip_family::v4 && p.size() >= 28 && p[9] == 1 && p[20] == 8) {
    std::swap_ranges(&p[12], &p[16], &p[16]);
    p[20] = 0;
    fix_icmp4(p);
    return true;
  }
  if (h->source.family == ip_family::v6 && p.size() >= 48 && p[6] == 58 && p[40] == 128) {
    std::swap_ranges(&p[8], &p[24], &p[24]);
    p[40] = 129;
    fix_icmp6(p);
    return true;
  }
  return false;
}

/// The endpoint with the peer of WGPEER_*, on a UDP socket.
struct node {
  crypto::system_random& rng = crypto::system_random::instance();
  endpoint ep;
  peer_id peer = 0;
  int fd = -1;
  ip_address me4 = *ip_address::parse(env("WGPEER_CLIENT_IP4"));
  ip_address me6 = *ip_address::parse(env("WGPEER_CLIENT_IP6"));
  ip_address peer4 = *ip_address::parse(env("WGPEER_TUN_IP4"));
  ip_address peer6 = *ip_address::parse(env("WGPEER_TUN_IP6"));
  byte_buffer buf = byte_buffer(65536);

  explicit node(std::uint16_t port)
    : ep(crypto::node_private{key_from_base64(slurp(env("WGPEER_CLIENT_PRIVKEY_FILE")))}, rng) {
    peer_config cfg;
    cfg.public_key.bytes = key_from_base64(env("WGPEER_PUBKEY"));
    cfg.endpoint = udp_address::parse(env("WGPEER_ENDPOINT"));
    cfg.allowed_ips
      = {*ip_prefix::parse(env("WGPEER_TUN_NET4")), *ip_prefix::parse(env("WGPEER_TUN_NET6"))};
    if (const char* psk = std::getenv("WGPEER_PSK_FILE"); psk != nullptr && *psk != '\0')
      cfg.preshared_key = crypto::key32{key_from_base64(slurp(psk))};
    auto r = ep.add_peer(std::move(cfg));
    if (!std::holds_alternative<peer_id>(r))
      fail("add_peer failed");
    peer = std::get<peer_id>(r);
    fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
      fail("cannot bind the UDP socket");
  }
  ~node() { ::close(fd); }

  static time_point now() { return std::chrono::steady_clock::now(); }
  static wall_time wall() { return std::chrono::system_clock::now(); }

  void transmit(const endpoint_result& r) {
    for (const auto& d : r.to_network) {
      if (d.to.ip.family != ip_family::v4)
        continue;
      sockaddr_in to{};
      to.sin_family = AF_INET;
      std::copy_n(d.to.ip.bytes.data(), 4, reinterpret_cast<std::uint8_t*>(&to.sin_addr));
      to.sin_port = htons(d.to.port);
      ::sendto(fd, d.bytes.data(), d.bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    }
    for (const auto& e : r.events)
      std::printf("event: %s\n", std::string{to_string(e.kind)}.c_str());
  }

  void send(const byte_buffer& ip) { transmit(ep.send(now(), wall(), ip)); }

  /// Waits up to `budget` for one datagram, feeds it to the endpoint, runs due timers, and calls
  /// `on_packet` for each packet delivered to the local stack.
  template <class F>
  void poll_once(std::chrono::milliseconds budget, F&& on_packet) {
    auto wait = budget;
    if (auto d = ep.next_deadline()) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*d - now());
      wait = std::clamp(until, 0ms, budget);
    }
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(wait.count()));
    if (p.revents & POLLIN) {
      sockaddr_in from{};
      socklen_t len = sizeof from;
      auto n = ::recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n > 0) {
        udp_address src;
        std::copy_n(reinterpret_cast<std::uint8_t*>(&from.sin_addr), 4, src.ip.bytes.data());
        src.port = ntohs(from.sin_port);
        auto r = ep.recv(now(), wall(), src, byte_view{buf.data(), static_cast<std::size_t>(n)});
        if (r.dropped)
          std::printf("dropped: %s\n", std::string{to_string(*r.dropped)}.c_str());
        transmit(r);
        for (auto& pkt : r.to_local)
          on_packet(pkt.bytes);
      }
    }
    transmit(ep.dispatch_events(now(), wall()));
  }

  /// Returns 4 or 6 for an echo reply from the peer, 0 otherwise.
  int echo_reply_family(const byte_buffer& p) const {
    auto h = parse_ip_header(p);
    if (h && h->source == peer4 && p[9] == 1 && p[20] == 0)
      return 4;
    if (h && h->source == peer6 && p[6] == 58 && p[40] == 129)
      return 6;
    return 0;
  }
};

int initiate() {
  node n{0};
  int got4 = 0;
  int got6 = 0;
  std::uint16_t seq = 0;
  auto last = node::now() - 10s;
  const auto start = node::now();
  while ((got4 < 3 || got6 < 3) && node::now() - start < 20s) {
    // One echo per family per second until answered (IPv6 DAD may delay the peer's address).
    if (node::now() - last >= 1s) {
      last = node::now();
      if (got4 < 3)
        n.send(echo4(n.me4, n.peer4, ++seq));
      if (got6 < 3)
        n.send(echo6(n.me6, n.peer6, ++seq));
    }
    n.poll_once(100ms, [&](const byte_buffer& p) {
      switch (n.echo_reply_family(p)) {
        case 4:
          if (++got4 < 3)
            n.send(echo4(n.me4, n.peer4, ++seq));
          break;
        case 6:
          if (++got6 < 3)
            n.send(echo6(n.me6, n.peer6, ++seq));
          break;
      }
    });
  }
  auto st = *n.ep.status(n.peer);
  std::printf("initiate: %d IPv4 and %d IPv6 echo replies, rx %llu tx %llu bytes\n", got4, got6,
              static_cast<unsigned long long>(st.rx_bytes),
              static_cast<unsigned long long>(st.tx_bytes));
  return got4 == 3 && got6 == 3 && st.last_handshake ? 0 : 1;
}

int serve(std::uint16_t port, int seconds) {
  node n{port};
  int answered = 0;
  const auto start = node::now();
  while (node::now() - start < std::chrono::seconds{seconds}) {
    n.poll_once(100ms, [&](const byte_buffer& p) {
      auto reply = p;
      if (make_echo_reply(reply)) {
        ++answered;
        n.send(reply);
      }
    });
  }
  std::printf("serve: answered %d echo requests\n", answered);
  return answered > 0 ? 0 : 1;
}

int recover(const std::filesystem::path& dir) {
  node n{0};
  int before = 0;
  int after = 0;
  std::uint16_t seq = 0;
  std::uint16_t first_after = 0;
  auto last = node::now() - 10s;
  const auto start = node::now();
  while (after == 0 && node::now() - start < 70s) {
    if (first_after == 0 && before >= 3 && std::filesystem::exists(dir / "restarted"))
      first_after = static_cast<std::uint16_t>(seq + 1);
    if (node::now() - last >= 300ms) {
      last = node::now();
      n.send(echo4(n.me4, n.peer4, ++seq));
    }
    n.poll_once(50ms, [&](const byte_buffer& p) {
      if (n.echo_reply_family(p) != 4)
        return;
      const auto s = load_be16(&p[26]);
      if (first_after != 0 && s >= first_after) {
        ++after;
      } else if (++before == 3) {
        std::ofstream{dir / "ready"};
      }
    });
  }
  std::printf("recover: %d replies before the peer restart, %d after\n", before, after);
  return after > 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "initiate")
    return initiate();
  if (mode == "serve" && argc == 4)
    return serve(static_cast<std::uint16_t>(std::atoi(argv[2])), std::atoi(argv[3]));
  if (mode == "recover" && argc == 3)
    return recover(argv[2]);
  std::fprintf(stderr, "usage: %s initiate | serve PORT SECONDS | recover DIR\n", argv[0]);
  return 2;
}
