// RFC 3339 times of the control JSON (control/wall_time.hpp), as Go's time.Time marshals them.
#include <boost/test/unit_test.hpp>

#include "control/wall_time.hpp"
#include "tests/control/test_util.hpp"

using namespace tsnode::control;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(control_wall_time)

BOOST_AUTO_TEST_CASE(parses_go_forms) {
  BOOST_TEST(parse_rfc3339("1970-01-01T00:00:00Z") == std::optional<wall_time>{wall_time{0ms}});
  BOOST_TEST(parse_rfc3339("1970-01-01T00:02:03Z") == std::optional<wall_time>{wall_time{123s}});
  BOOST_TEST(parse_rfc3339("1970-01-01T00:00:01.5Z")
             == std::optional<wall_time>{wall_time{1500ms}});
  BOOST_TEST(parse_rfc3339("1970-01-01T00:00:01.123456789Z")
             == std::optional<wall_time>{wall_time{1123ms}});
  BOOST_TEST(parse_rfc3339("1970-01-01T02:00:00+02:00")
             == std::optional<wall_time>{wall_time{0ms}});
  BOOST_TEST(parse_rfc3339("1969-12-31T23:00:00-01:00")
             == std::optional<wall_time>{wall_time{0ms}});
  BOOST_TEST(parse_rfc3339("0001-01-01T00:00:00Z") == std::optional<wall_time>{go_zero_time});
  BOOST_TEST(parse_rfc3339("2024-02-29T12:00:00Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_malformed_text) {
  for (auto in : {"", "2026-08-22", "2026-08-22T10:00:00", "2026-08-22 10:00:00Z",
                  "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-08-22T24:00:00Z",
                  "2026-08-22T10:60:00Z", "2026-08-22T10:00:60Z", "2026-08-22T10:00:00.Z",
                  "2026-08-22T10:00:00.1234567890Z", "2026-08-22T10:00:00+0200",
                  "2026-08-22T10:00:00Zjunk", "2026-08-22t10:00:00z", "+2026-08-22T10:00:00Z"})
    BOOST_TEST(!parse_rfc3339(in), in);
}

BOOST_AUTO_TEST_CASE(formats_and_round_trips) {
  BOOST_TEST(format_rfc3339(go_zero_time) == "0001-01-01T00:00:00Z");
  BOOST_TEST(format_rfc3339(wall_time{123s}) == "1970-01-01T00:02:03Z");
  BOOST_TEST(format_rfc3339(wall_time{1500ms}) == "1970-01-01T00:00:01.500Z");
  auto t = parse_rfc3339("2026-08-22T10:00:00.25Z");
  BOOST_TEST(parse_rfc3339(format_rfc3339(*t)) == t);
}

BOOST_AUTO_TEST_SUITE_END()
