/// impair_relay: a UDP relay that impairs what it forwards, for tests on a kernel without netem.
///
/// It listens on a local UDP address, forwards every datagram to a target address and relays the
/// target's replies back to the last client source. Each direction ("fwd" = client to target,
/// "rev" = target to client) can drop (seeded, deterministic per direction), delay, jitter,
/// reorder and rate-limit its datagrams. Delayed datagrams wait in a priority queue served by one
/// timer; everything runs on one thread. SIGINT/SIGTERM print the counters and exit 0, SIGUSR1
/// prints them and goes on. Run `impair_relay --help` for the options.

#include <asio.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using udp = asio::ip::udp;
using steady = std::chrono::steady_clock;
using std::chrono::microseconds;

constexpr const char* usage_text = R"(usage: impair_relay --target HOST:PORT [options]

A UDP relay with netem-like impairments. Datagrams received on --listen are forwarded to
--target from one ephemeral socket; datagrams from the target are relayed back to the most
recent client source. "fwd" is client -> target, "rev" is target -> client; an option without
-fwd/-rev applies to both directions.

  --listen HOST:PORT        where clients send (default 127.0.0.1:0; the bound port is printed
                            as "impair_relay: listening on HOST:PORT ...")
  --target HOST:PORT        where datagrams go (IPv6 as [addr]:port)
  --loss[-fwd|-rev] PCT     drop this percentage of datagrams (default 0)
  --delay[-fwd|-rev] MS     add this one-way delay (default 0; fractions allowed)
  --jitter[-fwd|-rev] MS    add a uniformly random 0..MS extra delay per datagram (default 0)
  --reorder[-fwd|-rev] PCT  hold this percentage of datagrams back by --reorder-delay, so later
                            ones overtake them (default 0)
  --reorder-delay MS        the hold-back for --reorder (default 10)
  --rate[-fwd|-rev] KBIT    serialise at this many kbit/s (default 0 = unlimited)
  --queue MS                with --rate: tail-drop a datagram that would wait longer than this
                            behind the rate limit (default 500)
  --seed N                  seed of the loss/jitter/reorder generators (default 1)
  --stats-interval S        also print the counters every S seconds (default 0 = never)
  -h, --help                this text

SIGINT/SIGTERM print the counters and exit 0; SIGUSR1 prints them and continues. Counters:
received, forwarded, dropped (= dropped_loss + dropped_queue + dropped_send), reordered (sent
after a datagram of the same direction that arrived later), ignored (from neither side).
)";

/// The impairments of one direction.
struct impairment {
  double loss_pct = 0;
  microseconds delay{0};
  microseconds jitter{0};
  double reorder_pct = 0;
  std::uint64_t rate_kbit = 0;
};

/// Everything the command line sets.
struct options {
  std::string listen = "127.0.0.1:0";
  std::string target;
  std::array<impairment, 2> dir;
  microseconds reorder_delay{10'000};
  microseconds queue_limit{500'000};
  std::uint64_t seed = 1;
  double stats_interval_s = 0;
};

/// What happened to the datagrams of one direction.
struct counters {
  std::uint64_t received = 0;
  std::uint64_t forwarded = 0;
  std::uint64_t bytes = 0;
  std::uint64_t dropped_loss = 0;
  std::uint64_t dropped_queue = 0;
  std::uint64_t dropped_send = 0;
  std::uint64_t reordered = 0;

  std::uint64_t dropped() const { return dropped_loss + dropped_queue + dropped_send; }
};

enum direction : std::size_t { fwd = 0, rev = 1 };

/// Parses "HOST:PORT" or "[V6]:PORT" with a literal address.
std::optional<udp::endpoint> parse_endpoint(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value > 65535)
    return std::nullopt;
  asio::error_code aec;
  auto address = asio::ip::make_address(std::string{host}, aec);
  if (aec)
    return std::nullopt;
  return udp::endpoint{address, static_cast<unsigned short>(value)};
}

/// Formats an endpoint as "a.b.c.d:port" or "[v6]:port".
std::string format_endpoint(const udp::endpoint& ep) {
  auto address = ep.address().to_string();
  if (ep.address().is_v6())
    address = "[" + address + "]";
  return address + ":" + std::to_string(ep.port());
}

/// Parses a non-negative decimal number (fractions allowed); nullopt when malformed.
std::optional<double> parse_number(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  char* end = nullptr;
  std::string copy{text};
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !(value >= 0))
    return std::nullopt;
  return value;
}

/// Converts milliseconds (fractional) to microseconds.
microseconds from_ms(double ms) {
  return microseconds{static_cast<std::int64_t>(ms * 1000.0)};
}

/// Parses argv into `out`. Returns 0 to go on, 1 after --help, 2 on a usage error.
int parse_options(int argc, char** argv, options& out) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(usage_text, stdout);
      return 1;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "impair_relay: %s needs a value (see --help)\n", argv[i]);
      return 2;
    }
    std::string_view value = argv[++i];
    if (arg == "--listen") {
      out.listen = value;
      continue;
    }
    if (arg == "--target") {
      out.target = value;
      continue;
    }
    auto number = parse_number(value);
    if (!number) {
      std::fprintf(stderr, "impair_relay: bad value '%s' for %s\n", argv[i], argv[i - 1]);
      return 2;
    }
    // --name, --name-fwd or --name-rev
    std::string_view name = arg;
    bool dirs[2] = {true, true};
    if (name.ends_with("-fwd")) {
      dirs[rev] = false;
      name.remove_suffix(4);
    } else if (name.ends_with("-rev")) {
      dirs[fwd] = false;
      name.remove_suffix(4);
    }
    bool per_direction = name == "--loss" || name == "--delay" || name == "--jitter"
                         || name == "--reorder" || name == "--rate";
    if (per_direction) {
      if ((name == "--loss" || name == "--reorder") && *number > 100) {
        std::fprintf(stderr, "impair_relay: %s is a percentage (0..100)\n", argv[i - 1]);
        return 2;
      }
      for (std::size_t d = 0; d < 2; ++d) {
        if (!dirs[d])
          continue;
        auto& imp = out.dir[d];
        if (name == "--loss")
          imp.loss_pct = *number;
        else if (name == "--delay")
          imp.delay = from_ms(*number);
        else if (name == "--jitter")
          imp.jitter = from_ms(*number);
        else if (name == "--reorder")
          imp.reorder_pct = *number;
        else
          imp.rate_kbit = static_cast<std::uint64_t>(*number);
      }
    } else if (arg == "--reorder-delay") {
      out.reorder_delay = from_ms(*number);
    } else if (arg == "--queue") {
      out.queue_limit = from_ms(*number);
    } else if (arg == "--seed") {
      out.seed = static_cast<std::uint64_t>(*number);
    } else if (arg == "--stats-interval") {
      out.stats_interval_s = *number;
    } else {
      std::fprintf(stderr, "impair_relay: unknown option %s (see --help)\n", argv[i - 1]);
      return 2;
    }
  }
  if (out.target.empty()) {
    std::fputs("impair_relay: --target is required (see --help)\n", stderr);
    return 2;
  }
  return 0;
}

/// The relay: two sockets, a delay queue and the counters, all on one io_context.
class relay {
public:
  relay(asio::io_context& io, const options& opts, const udp::endpoint& listen,
        const udp::endpoint& target)
    : io_(io)
    , opts_(opts)
    , target_(target)
    , client_socket_(io, listen)
    , upstream_socket_(io, udp::endpoint{target.protocol(), 0})
    , timer_(io)
    , stats_timer_(io)
    , signals_(io, SIGINT, SIGTERM) {
    for (auto* s : {&client_socket_, &upstream_socket_}) {
      s->non_blocking(true);
      asio::error_code ignored;
      s->set_option(udp::socket::receive_buffer_size{4 << 20}, ignored);
      s->set_option(udp::socket::send_buffer_size{4 << 20}, ignored);
    }
    rng_[fwd].seed(opts.seed);
    rng_[rev].seed(opts.seed ^ 0x9e3779b97f4a7c15ULL);
#ifdef SIGUSR1
    signals_.add(SIGUSR1);
#endif
  }

  /// The address clients send to (with the bound port when --listen had port 0).
  udp::endpoint local_endpoint() const {
    return client_socket_.local_endpoint();
  }

  /// Starts receiving on both sockets and waiting for signals.
  void start() {
    receive_client();
    receive_upstream();
    wait_signal();
    if (opts_.stats_interval_s > 0)
      arm_stats();
  }

  /// Prints the counters, one line for the totals and one per direction.
  void print_counters() const {
    const auto& f = counters_[fwd];
    const auto& r = counters_[rev];
    std::printf("impair_relay: totals received=%llu forwarded=%llu dropped=%llu reordered=%llu "
                "ignored=%llu\n",
                ull(f.received + r.received), ull(f.forwarded + r.forwarded),
                ull(f.dropped() + r.dropped()), ull(f.reordered + r.reordered), ull(ignored_));
    for (std::size_t d = 0; d < 2; ++d) {
      const auto& c = counters_[d];
      std::printf("impair_relay: %s received=%llu forwarded=%llu bytes=%llu dropped=%llu "
                  "dropped_loss=%llu dropped_queue=%llu dropped_send=%llu reordered=%llu\n",
                  d == fwd ? "fwd" : "rev", ull(c.received), ull(c.forwarded), ull(c.bytes),
                  ull(c.dropped()), ull(c.dropped_loss), ull(c.dropped_queue), ull(c.dropped_send),
                  ull(c.reordered));
    }
    std::fflush(stdout);
  }

private:
  /// A datagram waiting for its departure time.
  struct pending {
    steady::time_point due;
    std::uint64_t order;   ///< arrival order over both directions: FIFO among equal `due`
    std::uint64_t dir_seq; ///< arrival order within its direction, for the reorder counter
    direction dir;
    std::vector<std::uint8_t> data;
  };

  /// Orders the priority queue earliest-due first.
  struct later {
    bool operator()(const pending& a, const pending& b) const {
      return a.due != b.due ? a.due > b.due : a.order > b.order;
    }
  };

  static unsigned long long ull(std::uint64_t v) {
    return static_cast<unsigned long long>(v);
  }

  void receive_client() {
    client_socket_.async_receive_from(asio::buffer(client_buf_), client_from_,
                                      [this](asio::error_code ec, std::size_t n) {
                                        if (ec == asio::error::operation_aborted)
                                          return;
                                        if (!ec) {
                                          last_client_ = client_from_;
                                          on_datagram(fwd, client_buf_.data(), n);
                                        }
                                        receive_client();
                                      });
  }

  void receive_upstream() {
    upstream_socket_.async_receive_from(asio::buffer(upstream_buf_), upstream_from_,
                                        [this](asio::error_code ec, std::size_t n) {
                                          if (ec == asio::error::operation_aborted)
                                            return;
                                          if (!ec) {
                                            if (upstream_from_ == target_)
                                              on_datagram(rev, upstream_buf_.data(), n);
                                            else
                                              ++ignored_;
                                          }
                                          receive_upstream();
                                        });
  }

  /// Applies loss, rate limit, delay, jitter and reordering to one arriving datagram.
  void on_datagram(direction d, const std::uint8_t* data, std::size_t n) {
    auto& c = counters_[d];
    const auto& imp = opts_.dir[d];
    ++c.received;
    const std::uint64_t dir_seq = next_dir_seq_[d]++;
    auto& rng = rng_[d];
    std::uniform_real_distribution<double> pct{0.0, 100.0};
    if (imp.loss_pct > 0 && pct(rng) < imp.loss_pct) {
      ++c.dropped_loss;
      return;
    }
    const auto now = steady::now();
    auto base = now;
    if (imp.rate_kbit > 0) {
      auto start = std::max(now, link_free_[d]);
      if (start - now > opts_.queue_limit) {
        ++c.dropped_queue;
        return;
      }
      // bits / (kbit/s) = ms; in microseconds: bits * 1000 / kbit
      link_free_[d] = start + microseconds{static_cast<std::int64_t>(n * 8 * 1000 / imp.rate_kbit)};
      base = link_free_[d];
    }
    auto due = base + imp.delay;
    if (imp.jitter.count() > 0) {
      std::uniform_int_distribution<std::int64_t> j{0, imp.jitter.count()};
      due += microseconds{j(rng)};
    }
    if (imp.reorder_pct > 0 && pct(rng) < imp.reorder_pct)
      due += opts_.reorder_delay;
    if (due <= now && queue_.empty()) {
      send(d, dir_seq, data, n);
      return;
    }
    queue_.push(pending{due, next_order_++, dir_seq, d, {data, data + n}});
    arm_timer();
  }

  /// Sends one datagram now (never blocks: a full socket buffer counts as dropped_send).
  void send(direction d, std::uint64_t dir_seq, const std::uint8_t* data, std::size_t n) {
    auto& c = counters_[d];
    if (d == rev && !last_client_) {
      ++c.dropped_send;
      return;
    }
    auto& socket = d == fwd ? upstream_socket_ : client_socket_;
    const auto& to = d == fwd ? target_ : *last_client_;
    asio::error_code ec;
    socket.send_to(asio::buffer(data, n), to, 0, ec);
    if (ec) {
      ++c.dropped_send;
      return;
    }
    ++c.forwarded;
    c.bytes += n;
    if (max_sent_seq_[d] && dir_seq < *max_sent_seq_[d])
      ++c.reordered;
    else
      max_sent_seq_[d] = dir_seq;
  }

  /// Points the timer at the earliest queued datagram when it is not already waiting for it.
  void arm_timer() {
    if (queue_.empty())
      return;
    const auto due = queue_.top().due;
    if (timer_armed_ && armed_due_ <= due)
      return;
    timer_armed_ = true;
    armed_due_ = due;
    timer_.expires_at(due); // cancels a pending wait: its handler sees operation_aborted
    timer_.async_wait([this](asio::error_code ec) {
      if (ec == asio::error::operation_aborted)
        return;
      timer_armed_ = false;
      flush_due();
      arm_timer();
    });
  }

  /// Sends every queued datagram whose time has come.
  void flush_due() {
    const auto now = steady::now();
    while (!queue_.empty() && queue_.top().due <= now) {
      // top() is const; the element is popped right after, so moving its buffer out is safe
      auto& top = const_cast<pending&>(queue_.top());
      auto data = std::move(top.data);
      const auto d = top.dir;
      const auto seq = top.dir_seq;
      queue_.pop();
      send(d, seq, data.data(), data.size());
    }
  }

  void wait_signal() {
    signals_.async_wait([this](asio::error_code ec, int signo) {
      if (ec)
        return;
      print_counters();
#ifdef SIGUSR1
      if (signo == SIGUSR1) {
        wait_signal();
        return;
      }
#endif
      (void)signo;
      io_.stop();
    });
  }

  void arm_stats() {
    stats_timer_.expires_after(
      microseconds{static_cast<std::int64_t>(opts_.stats_interval_s * 1'000'000)});
    stats_timer_.async_wait([this](asio::error_code ec) {
      if (ec)
        return;
      print_counters();
      arm_stats();
    });
  }

  asio::io_context& io_;
  const options& opts_;
  udp::endpoint target_;
  udp::socket client_socket_;
  udp::socket upstream_socket_;
  asio::steady_timer timer_;
  asio::steady_timer stats_timer_;
  asio::signal_set signals_;
  std::array<std::uint8_t, 65536> client_buf_{};
  std::array<std::uint8_t, 65536> upstream_buf_{};
  udp::endpoint client_from_;
  udp::endpoint upstream_from_;
  std::optional<udp::endpoint> last_client_;
  std::priority_queue<pending, std::vector<pending>, later> queue_;
  bool timer_armed_ = false;
  steady::time_point armed_due_{};
  std::uint64_t next_order_ = 0;
  std::array<std::uint64_t, 2> next_dir_seq_{};
  std::array<std::optional<std::uint64_t>, 2> max_sent_seq_{};
  std::array<steady::time_point, 2> link_free_{};
  std::array<std::mt19937_64, 2> rng_;
  std::array<counters, 2> counters_{};
  std::uint64_t ignored_ = 0;
};

/// Describes one direction's settings for the start-up line.
std::string describe(const impairment& imp) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "loss=%g%% delay=%gms jitter=%gms reorder=%g%% rate=%llukbit",
                imp.loss_pct, imp.delay.count() / 1000.0, imp.jitter.count() / 1000.0,
                imp.reorder_pct, static_cast<unsigned long long>(imp.rate_kbit));
  return buf;
}

} // namespace

int main(int argc, char** argv) {
  options opts;
  if (int rc = parse_options(argc, argv, opts); rc != 0)
    return rc == 1 ? 0 : rc;
  auto listen = parse_endpoint(opts.listen);
  auto target = parse_endpoint(opts.target);
  if (!listen || !target) {
    std::fprintf(stderr, "impair_relay: bad address '%s' (HOST:PORT or [V6]:PORT, literal)\n",
                 (!listen ? opts.listen : opts.target).c_str());
    return 2;
  }
  try {
    asio::io_context io{1};
    relay r{io, opts, *listen, *target};
    r.start();
    std::printf("impair_relay: listening on %s -> %s; fwd %s; rev %s; seed %llu\n",
                format_endpoint(r.local_endpoint()).c_str(), format_endpoint(*target).c_str(),
                describe(opts.dir[fwd]).c_str(), describe(opts.dir[rev]).c_str(),
                static_cast<unsigned long long>(opts.seed));
    std::fflush(stdout);
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "impair_relay: %s\n", e.what());
    return 1;
  }
  return 0;
}
