#pragma once
/// @file
/// Scripted conversations with a proxy session (style.md §5.17): `feed(c, "05 01 02")` then
/// `c.expect_reply("05 02")`. Every action the session returns is queued (need_more is not), and a
/// `reply` is followed by `next()` calls until the session has nothing more to say, as the session
/// actor does. Also: transcripts, to check that any chunking of the input gives the same outcome.

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <deque>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "proxy/action.hpp"
#include "proxy/credentials.hpp"
#include "proxy/http_connect.hpp"
#include "proxy/socks5.hpp"
#include "tests/support/hex.hpp"

// Printers for BOOST_TEST failure messages (found by ADL).
namespace tsnode::proxy {

inline std::ostream& operator<<(std::ostream& os, socks5_state x) {
  return os << to_string(x);
}
inline std::ostream& operator<<(std::ostream& os, http_state x) {
  return os << to_string(x);
}
inline std::ostream& operator<<(std::ostream& os, udp_errc x) {
  return os << to_string(x);
}
inline std::ostream& operator<<(std::ostream& os, address_type x) {
  return os << "atyp " << static_cast<int>(x);
}
inline std::ostream& operator<<(std::ostream& os, protocol x) {
  return os << "protocol " << static_cast<int>(x);
}

} // namespace tsnode::proxy

namespace tsnode::test {

/// The credential the tests configure (32 lowercase hex characters, like the listener's).
inline const std::string test_password = "0123456789abcdef0123456789abcdef";

/// Returns the bytes of a text.
inline proxy::byte_buffer text_bytes(std::string_view s) {
  return proxy::byte_buffer(s.begin(), s.end());
}

/// Returns the hex of a text, to splice names and passwords into hex scripts.
inline std::string text_hex(std::string_view s) {
  return to_hex(as_bytes(s));
}

/// Returns a length octet as two hex digits.
inline std::string len_hex(std::size_t n) {
  std::uint8_t b = static_cast<std::uint8_t>(n);
  return to_hex(byte_view{&b, 1});
}

/// Returns the RFC 1929 request for `user` and `password`, as hex.
inline std::string auth_hex(std::string_view user, std::string_view password) {
  return "01 " + len_hex(user.size()) + text_hex(user) + len_hex(password.size())
         + text_hex(password);
}

/// Returns one line describing an action (payload bytes excepted), for transcripts and messages.
inline std::string describe(const proxy::action& a) {
  using namespace proxy;
  if (std::holds_alternative<need_more>(a))
    return "need_more";
  if (auto* r = std::get_if<reply>(&a))
    return "reply " + to_hex(r->bytes);
  if (auto* c = std::get_if<connect_request>(&a))
    return "connect " + std::to_string(static_cast<int>(c->dst.atyp)) + " " + c->dst.to_string()
           + (c->dst.ip ? " ip" : " name");
  if (auto* u = std::get_if<udp_associate_request>(&a))
    return "udp " + std::to_string(static_cast<int>(u->client.atyp)) + " " + u->client.to_string();
  if (auto* p = std::get_if<payload>(&a))
    return "payload " + to_hex(p->bytes);
  auto& c = std::get<close_with>(a);
  return "close " + to_hex(c.bytes) + " " + std::string{to_string(c.reason)};
}

/// A session under test and the actions it returned, oldest first.
template <class Session>
class conversation {
public:
  template <class... Ts>
  explicit conversation(Ts&&... xs)
    : session_(std::forward<Ts>(xs)...) {
    // nop
  }

  /// Feeds one chunk given as hex.
  void feed(std::string_view hex_text) { feed_bytes(hex(hex_text)); }

  /// Feeds one chunk given as text.
  void feed_text(std::string_view text) { feed_bytes(text_bytes(text)); }

  /// Feeds one chunk.
  void feed_bytes(const proxy::byte_buffer& bytes) { collect(session_.on_bytes(bytes)); }

  /// Collects an action the test obtained from the session directly (on_connected, ...).
  void collect(proxy::action a) {
    for (;;) {
      bool again = std::holds_alternative<proxy::reply>(a);
      if (!std::holds_alternative<proxy::need_more>(a))
        out_.push_back(std::move(a));
      if (!again)
        return;
      a = session_.next();
    }
  }

  /// Expects the oldest action to be a reply with exactly these bytes.
  void expect_reply(std::string_view hex_text) { expect_reply_bytes(hex(hex_text)); }

  /// Expects the oldest action to be a reply with exactly this text.
  void expect_reply_text(std::string_view text) { expect_reply_bytes(text_bytes(text)); }

  /// Expects the oldest action to be a reply with exactly these bytes.
  void expect_reply_bytes(const proxy::byte_buffer& bytes) {
    auto a = pop();
    auto* r = std::get_if<proxy::reply>(&a);
    BOOST_TEST_REQUIRE(r != nullptr, "expected a reply, got " << describe(a));
    BOOST_TEST(to_hex(r->bytes) == to_hex(bytes));
  }

  /// Expects the oldest action to be close_with these bytes (hex, may be empty) and reason.
  void expect_close(std::string_view hex_text, proxy::close_reason why) {
    expect_close_bytes(hex(hex_text), why);
  }

  /// Expects the oldest action to be close_with this text and reason.
  void expect_close_text(std::string_view text, proxy::close_reason why) {
    expect_close_bytes(text_bytes(text), why);
  }

  /// Expects the oldest action to be close_with these bytes and reason.
  void expect_close_bytes(const proxy::byte_buffer& bytes, proxy::close_reason why) {
    auto a = pop();
    auto* c = std::get_if<proxy::close_with>(&a);
    BOOST_TEST_REQUIRE(c != nullptr, "expected close_with, got " << describe(a));
    BOOST_TEST(to_hex(c->bytes) == to_hex(bytes));
    BOOST_TEST(proxy::to_string(c->reason) == proxy::to_string(why));
  }

  /// Expects the oldest action to be a connect_request and returns it.
  proxy::connect_request expect_connect() {
    auto a = pop();
    auto* c = std::get_if<proxy::connect_request>(&a);
    BOOST_TEST_REQUIRE(c != nullptr, "expected connect_request, got " << describe(a));
    return std::move(*c);
  }

  /// Expects the oldest action to be a udp_associate_request and returns it.
  proxy::udp_associate_request expect_udp() {
    auto a = pop();
    auto* u = std::get_if<proxy::udp_associate_request>(&a);
    BOOST_TEST_REQUIRE(u != nullptr, "expected udp_associate_request, got " << describe(a));
    return std::move(*u);
  }

  /// Expects the oldest action to be payload with these bytes (hex).
  void expect_payload(std::string_view hex_text) {
    auto a = pop();
    auto* p = std::get_if<proxy::payload>(&a);
    BOOST_TEST_REQUIRE(p != nullptr, "expected payload, got " << describe(a));
    BOOST_TEST(to_hex(p->bytes) == to_hex(hex(hex_text)));
  }

  /// Expects no pending action: the session is waiting for input or a dial outcome.
  void expect_nothing() {
    BOOST_TEST(out_.empty(), "unexpected action: " << (out_.empty() ? "" : describe(out_.front())));
  }

  /// Returns the session.
  Session& session() { return session_; }

private:
  proxy::action pop() {
    BOOST_TEST_REQUIRE(!out_.empty(), "expected an action, the session asked for more input");
    auto a = std::move(out_.front());
    out_.pop_front();
    return a;
  }

  Session session_;
  std::deque<proxy::action> out_;
};

/// What a session said for one input, with all payload (early payload included) joined together:
/// the same for any chunking of the input.
struct transcript {
  std::vector<std::string> steps;
  std::string data;
  bool operator==(const transcript&) const = default;
};

/// Returns the transcript of feeding `input` in chunks of the given sizes (the last size repeats),
/// draining `next()` after every reply and stopping at close_with.
template <class Session, class Make>
transcript run_chunked(Make make, const proxy::byte_buffer& input,
                       const std::vector<std::size_t>& sizes) {
  Session s = make();
  transcript t;
  bool closed = false;
  auto take = [&](proxy::action a) {
    for (;;) {
      if (auto* c = std::get_if<proxy::connect_request>(&a))
        t.data += to_hex(c->early_payload);
      if (auto* p = std::get_if<proxy::payload>(&a)) {
        t.data += to_hex(p->bytes);
        return;
      }
      if (std::holds_alternative<proxy::need_more>(a))
        return;
      t.steps.push_back(describe(a));
      closed = std::holds_alternative<proxy::close_with>(a);
      if (!std::holds_alternative<proxy::reply>(a))
        return;
      a = s.next();
    }
  };
  std::size_t at = 0, k = 0;
  // Like the session actor, stop reading once the session has said to close.
  while (at < input.size() && !closed) {
    std::size_t n = std::min(sizes[std::min(k, sizes.size() - 1)], input.size() - at);
    ++k;
    take(s.on_bytes(byte_view{input.data() + at, n}));
    at += n;
  }
  return t;
}

/// Returns whether `a` is a prefix of `b` (steps and data).
inline bool is_prefix(const transcript& a, const transcript& b) {
  if (a.steps.size() > b.steps.size() || b.data.compare(0, a.data.size(), a.data) != 0)
    return false;
  for (std::size_t i = 0; i < a.steps.size(); ++i)
    if (a.steps[i] != b.steps[i])
      return false;
  return true;
}

/// Checks that one chunk, one byte at a time, every two-way split and a few chunk patterns give
/// the same transcript, and that every truncation gives a prefix of it that ends in need_more.
template <class Session, class Make>
void check_chunking(Make make, const proxy::byte_buffer& input) {
  auto whole = run_chunked<Session>(make, input, {input.size() == 0 ? 1 : input.size()});
  BOOST_TEST_CONTEXT("input " << to_hex(input)) {
    auto bytewise = run_chunked<Session>(make, input, {1});
    BOOST_TEST((bytewise == whole), "byte-by-byte differs from all-at-once");
    for (std::size_t split = 1; split < input.size(); ++split) {
      auto two = run_chunked<Session>(make, input, {split, input.size()});
      BOOST_TEST((two == whole), "split at " << split << " differs");
    }
    for (std::size_t n : {2u, 3u, 7u}) {
      auto chunked = run_chunked<Session>(make, input, {n});
      BOOST_TEST((chunked == whole), "chunks of " << n << " differ");
    }
    for (std::size_t cut = 0; cut < input.size(); ++cut) {
      proxy::byte_buffer prefix(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(cut));
      auto part = run_chunked<Session>(make, prefix, {1});
      BOOST_TEST(is_prefix(part, whole), "truncation at " << cut << " is not a prefix");
    }
  }
}

} // namespace tsnode::test
