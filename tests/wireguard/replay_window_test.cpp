// The replay counter table of the Linux kernel, drivers/net/wireguard/selftest/counter.c
// (wg_packet_counter_selftest), ported unchanged to wireguard-go replay/replay_test.go, ported
// here unchanged again: same numbered cases, same bulk tests. T_LIM is COUNTER_WINDOW_SIZE + 1
// with COUNTER_WINDOW_SIZE = 8192 - 64 in all three.
#include <boost/test/unit_test.hpp>

#include "wireguard/replay_window.hpp"

using namespace tsnode::wireguard;

namespace {

struct counter_table {
  replay_window filter;
  int test_number = 0;

  void T(std::uint64_t n, bool expected) {
    ++test_number;
    BOOST_TEST_INFO("counter test " << test_number << ": " << n);
    BOOST_TEST(filter.validate(n, reject_after_messages) == expected);
  }
  void reset() {
    filter.reset();
    test_number = 0;
  }
};

constexpr std::uint64_t window_size = replay_window::window_size;
constexpr std::uint64_t T_LIM = window_size + 1;
constexpr std::uint64_t RAM = reject_after_messages;

} // namespace

BOOST_AUTO_TEST_SUITE(wireguard_replay_window)

BOOST_AUTO_TEST_CASE(window_matches_linux) {
  BOOST_TEST(window_size == 8192u - 64u);
  BOOST_TEST(RAM == 18446744073709543423ull); // 2^64 - 2^13 - 1
}

BOOST_FIXTURE_TEST_CASE(linux_counter_table, counter_table) {
  reset();
  T(0, true);                        /*  1 */
  T(1, true);                        /*  2 */
  T(1, false);                       /*  3 */
  T(9, true);                        /*  4 */
  T(8, true);                        /*  5 */
  T(7, true);                        /*  6 */
  T(7, false);                       /*  7 */
  T(T_LIM, true);                    /*  8 */
  T(T_LIM - 1, true);                /*  9 */
  T(T_LIM - 1, false);               /* 10 */
  T(T_LIM - 2, true);                /* 11 */
  T(2, true);                        /* 12 */
  T(2, false);                       /* 13 */
  T(T_LIM + 16, true);               /* 14 */
  T(3, false);                       /* 15 */
  T(T_LIM + 16, false);              /* 16 */
  T(T_LIM * 4, true);                /* 17 */
  T(T_LIM * 4 - (T_LIM - 1), true);  /* 18 */
  T(10, false);                      /* 19 */
  T(T_LIM * 4 - T_LIM, false);       /* 20 */
  T(T_LIM * 4 - (T_LIM + 1), false); /* 21 */
  T(T_LIM * 4 - (T_LIM - 2), true);  /* 22 */
  T(T_LIM * 4 + 1 - T_LIM, false);   /* 23 */
  T(0, false);                       /* 24 */
  T(RAM, false);                     /* 25 */
  T(RAM - 1, true);                  /* 26 */
  T(RAM, false);                     /* 27 */
  T(RAM - 1, false);                 /* 28 */
  T(RAM - 2, true);                  /* 29 */
  T(RAM + 1, false);                 /* 30 */
  T(RAM + 2, false);                 /* 31 */
  T(RAM - 2, false);                 /* 32 */
  T(RAM - 3, true);                  /* 33 */
  T(0, false);                       /* 34 */
}

BOOST_FIXTURE_TEST_CASE(linux_bulk_tests, counter_table) {
  // Bulk test 1
  reset();
  for (std::uint64_t i = 1; i <= window_size; ++i)
    T(i, true);
  T(0, true);
  T(0, false);

  // Bulk test 2
  reset();
  for (std::uint64_t i = 2; i <= window_size + 1; ++i)
    T(i, true);
  T(1, true);
  T(0, false);

  // Bulk test 3
  reset();
  for (std::uint64_t i = window_size + 1; i > 0; --i)
    T(i, true);

  // Bulk test 4
  reset();
  for (std::uint64_t i = window_size + 2; i > 1; --i)
    T(i, true);
  T(0, false);

  // Bulk test 5
  reset();
  for (std::uint64_t i = window_size; i > 0; --i)
    T(i, true);
  T(window_size + 1, true);
  T(0, false);

  // Bulk test 6
  reset();
  for (std::uint64_t i = window_size; i > 0; --i)
    T(i, true);
  T(0, true);
  T(window_size + 1, true);
}

BOOST_AUTO_TEST_CASE(reordering_within_2048_is_accepted_once) {
  replay_window w;
  // Deliver 0..4095 with every pair of 2048-apart counters swapped: all accepted exactly once.
  for (std::uint64_t i = 0; i < 2048; ++i) {
    BOOST_TEST(w.validate(i + 2048));
    BOOST_TEST(w.validate(i));
  }
  for (std::uint64_t i = 0; i < 4096; ++i)
    BOOST_TEST(!w.validate(i));
}

BOOST_AUTO_TEST_SUITE_END()
