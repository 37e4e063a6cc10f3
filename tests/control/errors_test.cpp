// control/errors.hpp: every enumerator has its own name; details are appended.
#include <boost/test/unit_test.hpp>

#include <set>

#include "control/errors.hpp"

using namespace tsnode::control;

BOOST_AUTO_TEST_SUITE(control_errors)

BOOST_AUTO_TEST_CASE(every_code_has_a_distinct_name) {
  std::set<std::string_view> names;
  auto last = static_cast<int>(control_errc::bad_upgrade_response);
  for (int i = 1; i <= last; ++i) {
    auto name = to_string(static_cast<control_errc>(i));
    BOOST_TEST(name != "unknown", i);
    names.insert(name);
  }
  BOOST_TEST(names.size() == static_cast<std::size_t>(last));
  BOOST_TEST(to_string(static_cast<control_errc>(0)) == "unknown");
}

BOOST_AUTO_TEST_CASE(error_text_includes_the_detail) {
  BOOST_TEST(to_string(control_error{control_errc::bad_record, {}}) == "bad_record");
  BOOST_TEST(to_string(control_error{control_errc::server_error, "version too old"})
             == "server_error: version too old");
}

BOOST_AUTO_TEST_SUITE_END()
