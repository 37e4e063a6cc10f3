#include "actors/control/state_store.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tsnode {

namespace {

std::string errno_text(int e) {
  return std::strerror(e);
}

/// Reads at most max_state_size + 1 bytes of an open descriptor.
std::optional<std::string> read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return std::nullopt;
    }
    if (n == 0)
      return out;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > control::max_state_size)
      return out;
  }
}

bool write_all(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    auto n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

} // namespace

std::optional<std::string> save_state(const std::filesystem::path& dir,
                                      const control::node_state& keys) {
  auto file = dir / state_file_name;
  auto tmp = dir / (std::string(state_file_name) + ".tmp");
  auto text = control::format_state(keys);
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return "state file " + tmp.string() + ": cannot create: " + errno_text(errno);
  bool ok = ::fchmod(fd, 0600) == 0 && write_all(fd, text) && ::fsync(fd) == 0;
  int e = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return "state file " + tmp.string() + ": cannot write: " + errno_text(e);
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    e = errno;
    ::unlink(tmp.c_str());
    return "state file " + file.string() + ": cannot rename into place: " + errno_text(e);
  }
  // Make the rename durable too.
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return std::nullopt;
}

std::variant<loaded_state, std::string> load_or_create_state(const std::filesystem::path& dir,
                                                             crypto::random_source& rng) {
  if (dir.empty())
    return std::string("state directory: no path given");
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT)
      return "state directory " + dir.string() + ": " + errno_text(errno);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return "state directory " + dir.string() + ": cannot create: " + ec.message();
    if (::chmod(dir.c_str(), 0700) != 0)
      return "state directory " + dir.string() + ": cannot chmod 0700: " + errno_text(errno);
  } else if (!S_ISDIR(st.st_mode)) {
    return "state directory " + dir.string() + ": not a directory";
  }

  auto file = dir / state_file_name;
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno != ENOENT)
      return "state file " + file.string() + ": cannot open: " + errno_text(errno);
    loaded_state out{control::generate_state(rng), true, file};
    if (auto err = save_state(dir, out.keys))
      return *err;
    return out;
  }
  struct stat fst {};
  if (::fstat(fd, &fst) != 0) {
    int e = errno;
    ::close(fd);
    return "state file " + file.string() + ": " + errno_text(e);
  }
  if (!S_ISREG(fst.st_mode)) {
    ::close(fd);
    return "state file " + file.string() + ": not a regular file";
  }
  if ((fst.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(fst.st_mode & 07777));
    return "state file " + file.string() + ": mode " + mode
           + " lets others read the secret keys; run chmod 600 on it";
  }
  auto text = read_all(fd);
  int e = errno;
  ::close(fd);
  if (!text)
    return "state file " + file.string() + ": cannot read: " + errno_text(e);
  auto parsed = control::parse_state(*text);
  if (auto* err = std::get_if<std::string>(&parsed))
    return "state file " + file.string() + " is corrupt (" + *err
           + "); refusing to make a new identity: fix or remove it";
  return loaded_state{std::move(std::get<control::node_state>(parsed)), false, file};
}

} // namespace tsnode
