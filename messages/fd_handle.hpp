#pragma once
/// @file
/// An OS file descriptor that travels in a message (caf-asio.md §4): closed on destruction
/// unless taken, so a message dropped on the way (dead receiver) never leaks the socket.

#include <memory>
#include <unistd.h>
#include <utility>

namespace tsnode {

class owned_fd {
public:
  explicit owned_fd(int fd) noexcept
    : fd_(fd) {
    // nop
  }
  owned_fd(const owned_fd&) = delete;
  owned_fd& operator=(const owned_fd&) = delete;
  ~owned_fd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  /// Returns the descriptor and gives up ownership of it.
  int take() noexcept { return std::exchange(fd_, -1); }
  int get() const noexcept { return fd_; }

private:
  int fd_;
};

/// Shared so that the message holding it stays copyable (CAF 0.17 requires copyable types).
using fd_handle = std::shared_ptr<owned_fd>;

/// Returns a handle owning `fd`.
inline fd_handle make_fd_handle(int fd) {
  return std::make_shared<owned_fd>(fd);
}

} // namespace tsnode
