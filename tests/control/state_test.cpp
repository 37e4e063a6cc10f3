// control/state.hpp: the state file format round-trips, and every malformed text is refused with
// a sentence that says what is wrong (never a silent new identity).
#include <boost/test/unit_test.hpp>

#include "control/state.hpp"
#include "tests/control/test_util.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::control;

namespace {

std::string error_of(std::string_view text) {
  auto r = parse_state(text);
  BOOST_REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

const std::string machine_hex = "privkey:" + std::string(62, '1') + "22";
const std::string node_hex = "privkey:" + std::string(62, '3') + "44";

} // namespace

BOOST_AUTO_TEST_SUITE(control_state)

BOOST_AUTO_TEST_CASE(round_trip_keeps_the_keys) {
  test::scripted_random rng;
  auto s = generate_state(rng);
  BOOST_TEST(s.machine.to_text() != s.node.to_text());
  auto text = format_state(s);
  BOOST_TEST(text.find("format=tsnode-state-1\n") != std::string::npos);
  BOOST_TEST(text.find("old_node_key") == std::string::npos);
  auto back = std::get<node_state>(parse_state(text));
  BOOST_TEST(back.machine.to_text() == s.machine.to_text());
  BOOST_TEST(back.node.to_text() == s.node.to_text());
  BOOST_TEST(!back.old_node);

  s.old_node = crypto::node_public{test::filled<32>(0x07)};
  auto again = std::get<node_state>(parse_state(format_state(s)));
  BOOST_REQUIRE(again.old_node);
  BOOST_TEST(again.old_node->to_text() == s.old_node->to_text());
}

BOOST_AUTO_TEST_CASE(accepts_comments_blank_lines_and_crlf) {
  auto text = "# hello\r\n\r\nformat=tsnode-state-1\r\n  machine_key = " + machine_hex
              + "\r\nnode_key=" + node_hex + "\r\n";
  auto s = std::get<node_state>(parse_state(text));
  BOOST_TEST(s.machine.to_text() == machine_hex);
  BOOST_TEST(s.node.to_text() == node_hex);
}

BOOST_AUTO_TEST_CASE(refuses_what_it_cannot_read_exactly) {
  auto good = "format=tsnode-state-1\nmachine_key=" + machine_hex + "\nnode_key=" + node_hex + "\n";
  BOOST_TEST(error_of("") == "no 'format=' line (not a tsnode state file)");
  BOOST_TEST(error_of("garbage\n") == "line 1: not a 'name=value' line");
  BOOST_TEST(error_of("format=tsnode-state-9\n")
             == "line 1: format: 'tsnode-state-9' is not 'tsnode-state-1'");
  BOOST_TEST(error_of("format=tsnode-state-1\nnode_key=" + node_hex + "\n")
             == "no 'machine_key=' line");
  BOOST_TEST(error_of("format=tsnode-state-1\nmachine_key=" + machine_hex + "\n")
             == "no 'node_key=' line");
  BOOST_TEST(error_of(good + "node_key=" + node_hex + "\n") == "line 4: node_key: given twice");
  BOOST_TEST(error_of(good + "colour=blue\n") == "line 4: unknown field 'colour'");
  auto truncated = "format=tsnode-state-1\nmachine_key=" + machine_hex.substr(0, 40) + "\n";
  BOOST_TEST(error_of(truncated).rfind("line 2: machine_key: not a key (", 0) == 0);
  auto bad_hex = "format=tsnode-state-1\nmachine_key=privkey:" + std::string(63, '1') + "x\n";
  BOOST_TEST(error_of(bad_hex).rfind("line 2: machine_key: not a key (", 0) == 0);
  auto zero = "format=tsnode-state-1\nmachine_key=privkey:" + std::string(64, '0') + "\n";
  BOOST_TEST(error_of(zero) == "line 2: machine_key: all zero");
  BOOST_TEST(error_of(std::string(max_state_size + 1, '#')).find("larger than") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
