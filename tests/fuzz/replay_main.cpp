// Replays fuzz inputs through LLVMFuzzerTestOneInput without libFuzzer, so every CI run
// re-checks the seed corpus and the saved crashers (style.md §5.19).
// Usage: <target>_replay DIR_OR_FILE...   Exit 0 when every input ran; 1 when none was found.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run_one(const std::filesystem::path& p, std::size_t& count) {
  std::ifstream in{p, std::ios::binary};
  std::vector<char> bytes{std::istreambuf_iterator<char>{in}, {}};
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  ++count;
}

} // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p{argv[i]};
    if (std::filesystem::is_directory(p)) {
      for (auto& e : std::filesystem::recursive_directory_iterator{p})
        if (e.is_regular_file())
          run_one(e.path(), count);
    } else if (std::filesystem::is_regular_file(p)) {
      run_one(p, count);
    }
  }
  std::printf("replayed %zu inputs\n", count);
  return count > 0 ? 0 : 1;
}
