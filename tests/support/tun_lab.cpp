#include "tests/support/tun_lab.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <stdexcept>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#ifndef TSNODE_SOURCE_DIR
#  error "TSNODE_SOURCE_DIR must be defined"
#endif

namespace tsnode::test {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr)
    throw std::runtime_error("popen failed: " + cmd);
  std::array<char, 512> buf;
  while (auto n = std::fread(buf.data(), 1, buf.size(), p))
    out.append(buf.data(), n);
  int rc = ::pclose(p);
  if (rc != 0)
    throw std::runtime_error("command failed (" + std::to_string(rc) + "): " + cmd + "\n" + out);
  return out;
}

tun_lab::tun_lab(int mtu) {
  auto suffix = std::to_string(::getpid());
  ns_ = "tsnt" + suffix;
  ifname_ = "tsnt" + suffix;
  dir_ = std::filesystem::temp_directory_path() / ("tsnode-tunlab-" + suffix);
  try {
    // A run killed before its destructor leaves tsnt<pid> behind: remove those of dead pids.
    run("for n in $(ip netns list | grep -o '^tsnt[0-9]*'); do p=${n#tsnt}; "
        "[ -d /proc/$p ] || { ip netns pids $n | xargs -r kill -9; ip netns del $n; }; done; "
        "true");
    std::filesystem::create_directories(dir_);
    run("ip netns add " + ns_);
    fd_ = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0)
      throw std::runtime_error(std::string{"open /dev/net/tun: "} + std::strerror(errno));
    ifreq ifr{};
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    std::strncpy(ifr.ifr_name, ifname_.c_str(), IFNAMSIZ - 1);
    if (::ioctl(fd_, TUNSETIFF, &ifr) < 0)
      throw std::runtime_error(std::string{"TUNSETIFF: "} + std::strerror(errno));
    // The fd stays with us; the interface (and Linux's TCP behind it) moves into the namespace.
    run("ip link set " + ifname_ + " netns " + ns_);
    auto in = "ip -n " + ns_ + " ";
    run(in + "link set lo up");
    run(in + "addr add 10.77.0.2/24 dev " + ifname_);
    run(in + "addr add fd77::2/64 dev " + ifname_ + " nodad");
    // A long queue, as a real link's buffers would give: the default 500 packets drop bursts.
    run(in + "link set " + ifname_ + " mtu " + std::to_string(mtu) + " txqueuelen 10000 up");
    // 10.77.0.200 is unreachable by route (forwarding on, in this namespace only), so Linux
    // answers with ICMP host unreachable; 10.77.0.99 is simply dropped: a black hole.
    run("ip netns exec " + ns_ + " sysctl -qw net.ipv4.ip_forward=1");
    run(in + "route add unreachable 10.77.0.200/32");
    auto ready = dir_ + "/ready";
    services_pid_ = ::fork();
    if (services_pid_ == 0) {
      ::execlp("ip", "ip", "netns", "exec", ns_.c_str(), "python3",
               TSNODE_SOURCE_DIR "/tests/support/tcp_services.py", "--bind", "::", "--echo",
               std::to_string(echo_port).c_str(), "--sink", std::to_string(sink_port).c_str(),
               "--source", std::to_string(source_port).c_str(), "--ready", ready.c_str(),
               static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200 && !std::filesystem::exists(ready); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (!std::filesystem::exists(ready))
      throw std::runtime_error("tcp_services.py did not come up within 5 s");
  } catch (...) {
    teardown();
    throw;
  }
}

tun_lab::~tun_lab() {
  teardown();
}

void tun_lab::teardown() noexcept {
  if (services_pid_ > 0) {
    ::kill(services_pid_, SIGTERM);
    ::waitpid(services_pid_, nullptr, 0);
    services_pid_ = -1;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  try {
    // Killing `ip netns exec` leaves python running inside the namespace: kill what remains.
    run("ip netns pids " + ns_ + " 2>/dev/null | xargs -r kill -9; true");
    run("ip netns del " + ns_ + " 2>/dev/null; true");
  } catch (...) {
    // best effort
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

} // namespace tsnode::test
