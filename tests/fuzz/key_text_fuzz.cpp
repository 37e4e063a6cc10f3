// libFuzzer target: the key text parsers (crypto/keys.hpp). Any input must parse or fail with a
// key_errc, never crash; what parses must print back to the same text, lowercased.
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/keys.hpp"

using namespace tsnode::crypto;

namespace {

template <class Key>
void check(std::string_view text) {
  auto r = Key::parse(text);
  if (auto* k = std::get_if<Key>(&r)) {
    std::string lower{text};
    for (auto& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (k->to_text() != lower)
      std::abort(); // a parse/print round trip must be exact
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  check<node_public>(text);
  check<machine_public>(text);
  check<disco_public>(text);
  check<node_private>(text);
  return 0;
}
