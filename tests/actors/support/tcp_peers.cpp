#include "tests/actors/support/tcp_peers.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tsnode::test {

namespace {

void set_timeouts(int fd, std::chrono::milliseconds t) {
  timeval tv{static_cast<time_t>(t.count() / 1000),
             static_cast<suseconds_t>((t.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/// Appends `s` byte by byte (a range insert trips GCC 12's -Warray-bounds here).
void append(bytes& out, const std::string& s) {
  for (char c : s)
    out.push_back(static_cast<std::uint8_t>(c));
}

void put_port(bytes& out, std::uint16_t port) {
  out.push_back(static_cast<std::uint8_t>(port >> 8));
  out.push_back(static_cast<std::uint8_t>(port & 0xff));
}

} // namespace

tcp_server::tcp_server(handler h)
  : handler_(std::move(h)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0
      || ::listen(listen_fd_, 1024) != 0
      || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0)
    throw std::runtime_error(std::string{"tcp_server: "} + std::strerror(errno));
  port_ = ntohs(sa.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

tcp_server::~tcp_server() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR); // wakes accept()
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (int fd : open_)
      ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : workers_)
    t.join();
}

void tcp_server::accept_loop() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_)
        return;
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    ++accepted_;
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_.insert(fd);
    workers_.emplace_back([this, fd] {
      handler_(fd);
      std::lock_guard<std::mutex> g{mtx_};
      open_.erase(fd);
      ::close(fd);
    });
  }
}

tcp_server::handler echo_handler() {
  return [](int fd) {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      auto n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        ::shutdown(fd, SHUT_WR);
        return;
      }
      if (!send_all(fd, buf.data(), static_cast<std::size_t>(n)))
        return;
    }
  };
}

tcp_server::handler http_handler(std::shared_ptr<const std::string> body) {
  return [body](int fd) {
    set_timeouts(fd, std::chrono::seconds(20));
    std::string head;
    char c;
    while (head.size() < 16384 && head.find("\r\n\r\n") == std::string::npos) {
      if (::read(fd, &c, 1) != 1)
        return;
      head.push_back(c);
    }
    if (head.rfind("GET ", 0) != 0) {
      send_all(fd, std::string{"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"});
      return;
    }
    auto resp = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + std::to_string(body->size()) + "\r\nConnection: close\r\n\r\n";
    if (send_all(fd, resp))
      send_all(fd, *body);
    ::shutdown(fd, SHUT_WR);
    // Let the client read everything before the socket closes.
    while (::read(fd, &c, 1) > 0) {
    }
  };
}

bytes pattern(std::size_t n, std::uint32_t seed) {
  bytes out(n);
  std::uint32_t x = seed * 2654435761u + 0x9e3779b9u;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<std::uint8_t>(x);
  }
  return out;
}

int connect_loopback(std::uint16_t port, std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  set_timeouts(fd, timeout);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

int connect_unix(const std::string& path, std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  set_timeouts(fd, timeout);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

bool send_all(int fd, const void* data, std::size_t n) {
  auto* p = static_cast<const char*>(data);
  while (n > 0) {
    auto k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return false;
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

std::optional<bytes> recv_exact(int fd, std::size_t n) {
  bytes out(n);
  std::size_t got = 0;
  while (got < n) {
    auto k = ::recv(fd, out.data() + got, n - got, 0);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return std::nullopt;
    got += static_cast<std::size_t>(k);
  }
  return out;
}

bytes recv_all(int fd, bool* clean) {
  bytes out;
  std::vector<std::uint8_t> buf(64 * 1024);
  for (;;) {
    auto k = ::recv(fd, buf.data(), buf.size(), 0);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0) {
      if (clean)
        *clean = k == 0;
      return out;
    }
    out.insert(out.end(), buf.begin(), buf.begin() + k);
  }
}

bool wait_closed(int fd) {
  char buf[4096];
  for (;;) {
    auto k = ::recv(fd, buf, sizeof buf, 0);
    if (k > 0 || (k < 0 && errno == EINTR))
      continue;
    if (k == 0)
      return true;
    return errno != EAGAIN && errno != EWOULDBLOCK; // a reset counts as closed
  }
}

bytes socks5_hello(const std::string& user, const std::string& password) {
  bytes out{0x05, 0x01, 0x02, 0x01, static_cast<std::uint8_t>(user.size())};
  append(out, user);
  out.push_back(static_cast<std::uint8_t>(password.size()));
  append(out, password);
  return out;
}

bytes socks5_connect_name(const std::string& name, std::uint16_t port) {
  bytes out{0x05, 0x01, 0x00, 0x03, static_cast<std::uint8_t>(name.size())};
  append(out, name);
  put_port(out, port);
  return out;
}

bytes socks5_connect_ipv4(const std::string& ip, std::uint16_t port) {
  bytes out{0x05, 0x01, 0x00, 0x01, 0, 0, 0, 0};
  if (::inet_pton(AF_INET, ip.c_str(), out.data() + 4) != 1)
    throw std::invalid_argument("not IPv4: " + ip);
  put_port(out, port);
  return out;
}

bytes socks5_connect_ipv6(const std::string& ip, std::uint16_t port) {
  bytes out(20, 0);
  out[0] = 0x05;
  out[1] = 0x01;
  out[3] = 0x04;
  if (::inet_pton(AF_INET6, ip.c_str(), out.data() + 4) != 1)
    throw std::invalid_argument("not IPv6: " + ip);
  put_port(out, port);
  return out;
}

int run_command(const std::string& cmd, std::string* out) {
  auto* p = ::popen(cmd.c_str(), "r");
  if (!p)
    return -1;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    if (out)
      out->append(buf, n);
  int st = ::pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

} // namespace tsnode::test
