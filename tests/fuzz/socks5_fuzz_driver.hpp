#pragma once
// Shared by socks5_fuzz.cpp and http_connect_fuzz.cpp: drives a proxy session over an input cut
// into chunks, answers its requests, and records what it said, so the targets can check that any
// chunking gives the same outcome (a differential oracle) and that every action is well formed.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "proxy/action.hpp"
#include "proxy/session.hpp"

namespace tsnode::fuzz {

/// What a session said: replies, requests and closes in order, and all payload joined.
struct outcome {
  std::string log;
  std::string data;
  bool operator==(const outcome&) const = default;
};

/// Aborts unless `d` is a destination a parser may hand out.
inline void check_destination(const proxy::destination& d) {
  if (d.ip) {
    if (d.host != d.ip->to_string())
      std::abort();
  } else {
    auto again = proxy::make_destination(d.host, d.port);
    if (!again || again->ip || again->host != d.host)
      std::abort();
  }
}

/// Feeds `in` in chunks of `chunk` bytes (0: all at once); answers requests with success or with
/// a dial error chosen by `events`.
inline outcome drive(proxy::proxy_session& s, const std::uint8_t* in, std::size_t size,
                     std::size_t chunk, std::uint8_t events) {
  using namespace proxy;
  outcome out;
  bool closed = false;
  auto bound
    = (events & 2) ? *ip_address::parse("fd7a:115c:a1e0::1") : ip_address::v4(100, 64, 0, 1);
  auto error = static_cast<dial_error>(1 + (events >> 2) % 7);
  auto handle = [&](action a) {
    for (;;) {
      if (std::holds_alternative<need_more>(a))
        return;
      if (auto* r = std::get_if<reply>(&a)) {
        if (r->bytes.empty())
          std::abort();
        out.log += "R" + std::string(r->bytes.begin(), r->bytes.end()) + "|";
        a = s.next();
        continue;
      }
      if (auto* c = std::get_if<connect_request>(&a)) {
        check_destination(c->dst);
        out.log += "C" + c->dst.to_string() + "|";
        // Early payload goes upstream after a successful dial and is dropped after a failure
        // (anchors.md §4.3 item 4), which also makes the outcome independent of chunking.
        if (events & 1)
          out.data.append(c->early_payload.begin(), c->early_payload.end());
        a = (events & 1) ? s.on_connected(bound, 1234) : s.on_dial_failed(error);
        continue;
      }
      if (auto* u = std::get_if<udp_associate_request>(&a)) {
        check_destination(u->client);
        out.log += "U" + u->client.to_string() + "|";
        a = (events & 1) ? s.on_udp_ready(ip_address::v4(127, 0, 0, 1), 4321)
                         : s.on_dial_failed(error);
        continue;
      }
      if (auto* p = std::get_if<payload>(&a)) {
        if (p->bytes.empty())
          std::abort();
        out.data.append(p->bytes.begin(), p->bytes.end());
        return;
      }
      auto& x = std::get<close_with>(a);
      out.log += "X" + std::string(x.bytes.begin(), x.bytes.end()) + "/"
                 + std::string{to_string(x.reason)} + "|";
      closed = true;
      return;
    }
  };
  std::size_t at = 0;
  while (at < size && !closed) {
    std::size_t n = chunk == 0 ? size - at : std::min(chunk, size - at);
    handle(s.on_bytes({in + at, n}));
    at += n;
  }
  return out;
}

/// Runs `make()` sessions over `in` whole, byte by byte and in `chunk`-sized pieces; aborts when
/// the outcomes differ.
template <class Make>
void differential(Make make, const std::uint8_t* in, std::size_t size, std::size_t chunk,
                  std::uint8_t events) {
  auto s1 = make();
  auto whole = drive(s1, in, size, 0, events);
  auto s2 = make();
  if (!(drive(s2, in, size, 1, events) == whole))
    std::abort();
  auto s3 = make();
  if (!(drive(s3, in, size, chunk, events) == whole))
    std::abort();
}

} // namespace tsnode::fuzz
