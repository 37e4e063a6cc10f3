// The C API (tsnode.h) over the synchronous façade. Handles live in a registry; every entry
// point catches everything, so no exception crosses into C.
#include "api/tsnode.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/sync_node.hpp"

namespace {

/// One tsnode handle: its settings, its last error and its node.
struct handle {
  std::mutex mtx; ///< guards cfg, err and `up`
  tsnode::sync_config cfg;
  std::string err;
  bool up = false;
  tsnode::sync_node node; ///< thread-safe on its own: dials run without `mtx`
};

std::mutex registry_mtx;
std::unordered_map<int, std::shared_ptr<handle>> registry;
int next_handle = 1;

std::shared_ptr<handle> find(tsnode_t sd) {
  std::lock_guard lk{registry_mtx};
  auto i = registry.find(sd);
  return i == registry.end() ? nullptr : i->second;
}

int set_error(handle& h, std::string msg) {
  std::lock_guard lk{h.mtx};
  h.err = std::move(msg);
  return -1;
}

/// Runs `fn(handle&)` for an open handle, turning exceptions into -1 with a message.
template <class F>
int with_handle(tsnode_t sd, const char* what, F&& fn) noexcept {
  std::shared_ptr<handle> h;
  try {
    h = find(sd);
    if (!h)
      return -1;
    return fn(*h);
  } catch (const std::exception& e) {
    if (h) {
      try {
        return set_error(*h, std::string{what} + ": " + e.what());
      } catch (...) {
        // out of memory while reporting: the -1 must do
      }
    }
  } catch (...) {
    if (h) {
      try {
        return set_error(*h, std::string{what} + ": unknown exception");
      } catch (...) {
        // as above
      }
    }
  }
  return -1;
}

/// Stores a tailnet/string setting (before tsnode_up only).
int set_string(tsnode_t sd, const char* value, const char* what,
               std::string tsnode::sync_config::*field) {
  return with_handle(sd, what, [&](handle& h) {
    if (value == nullptr)
      return set_error(h, std::string{what} + ": NULL argument");
    std::lock_guard lk{h.mtx};
    if (h.up) {
      h.err = std::string{what} + ": the node is up already (settings are fixed by tsnode_up)";
      return -1;
    }
    h.cfg.*field = value;
    h.err.clear();
    return 0;
  });
}

/// Copies `s` with its NUL into `buf`; false (and a truncated, terminated copy) when too small.
bool copy_out(const std::string& s, char* buf, std::size_t len) {
  if (len == 0)
    return false;
  auto n = std::min(s.size(), len - 1);
  std::memcpy(buf, s.data(), n);
  buf[n] = '\0';
  return n == s.size();
}

} // namespace

extern "C" {

tsnode_t tsnode_new(void) {
  try {
    auto h = std::make_shared<handle>();
    std::lock_guard lk{registry_mtx};
    if (next_handle == 0x7fffffff)
      return -1;
    auto sd = next_handle++;
    registry.emplace(sd, std::move(h));
    return sd;
  } catch (...) {
    return -1;
  }
}

int tsnode_set_wg_config(tsnode_t sd, const char* path) {
  return set_string(sd, path, "tsnode_set_wg_config", &tsnode::sync_config::wg_config);
}

int tsnode_set_dir(tsnode_t sd, const char* dir) {
  return set_string(sd, dir, "tsnode_set_dir", &tsnode::sync_config::state_dir);
}

int tsnode_set_hostname(tsnode_t sd, const char* hostname) {
  return set_string(sd, hostname, "tsnode_set_hostname", &tsnode::sync_config::hostname);
}

int tsnode_set_authkey(tsnode_t sd, const char* authkey) {
  return set_string(sd, authkey, "tsnode_set_authkey", &tsnode::sync_config::auth_key);
}

int tsnode_set_control_url(tsnode_t sd, const char* control_url) {
  return set_string(sd, control_url, "tsnode_set_control_url", &tsnode::sync_config::control_url);
}

int tsnode_add_host(tsnode_t sd, const char* name, const char* ip) {
  return with_handle(sd, "tsnode_add_host", [&](handle& h) {
    if (name == nullptr || ip == nullptr)
      return set_error(h, "tsnode_add_host: NULL argument");
    if (*name == '\0')
      return set_error(h, "tsnode_add_host: empty name");
    std::lock_guard lk{h.mtx};
    if (h.up) {
      h.err = "tsnode_add_host: the node is up already (settings are fixed by tsnode_up)";
      return -1;
    }
    h.cfg.hosts[name].push_back(ip);
    h.err.clear();
    return 0;
  });
}

int tsnode_up(tsnode_t sd) {
  return with_handle(sd, "tsnode_up", [&](handle& h) {
    std::unique_lock lk{h.mtx};
    if (h.up) {
      h.err = "tsnode_up: the node is up already";
      return -1;
    }
    auto cfg = h.cfg;
    auto e = h.node.start(std::move(cfg));
    if (e) {
      h.err = "tsnode_up: " + e.message;
      return -1;
    }
    h.up = true;
    h.err.clear();
    return 0;
  });
}

int tsnode_loopback(tsnode_t sd, char* addr_out, size_t addrlen, char* cred_out) {
  return with_handle(sd, "tsnode_loopback", [&](handle& h) {
    if (addr_out == nullptr || cred_out == nullptr)
      return set_error(h, "tsnode_loopback: NULL argument");
    tsnode::loopback_info info;
    if (auto e = h.node.loopback(info))
      return set_error(h, "tsnode_" + e.message);
    if (addrlen <= info.address.size())
      return set_error(h, "tsnode_loopback: addrlen " + std::to_string(addrlen)
                            + " is too small for " + info.address + " (want at least "
                            + std::to_string(info.address.size() + 1) + ")");
    copy_out(info.address, addr_out, addrlen);
    copy_out(info.credential, cred_out, 33);
    return 0;
  });
}

int tsnode_dial(tsnode_t sd, const char* network, const char* addr, tsnode_conn* conn_out) {
  if (conn_out != nullptr)
    *conn_out = -1;
  return with_handle(sd, "tsnode_dial", [&](handle& h) {
    if (network == nullptr || addr == nullptr || conn_out == nullptr)
      return set_error(h, "tsnode_dial: NULL argument");
    int fd = -1;
    if (auto e = h.node.dial(network, addr, fd))
      return set_error(h, "tsnode_" + e.message);
    *conn_out = fd;
    return 0;
  });
}

int tsnode_close(tsnode_t sd) {
  try {
    std::shared_ptr<handle> h;
    {
      std::lock_guard lk{registry_mtx};
      auto i = registry.find(sd);
      if (i == registry.end())
        return -1;
      h = std::move(i->second);
      registry.erase(i);
    }
    h->node.stop(); // waits for calls in progress; the handle goes with the last of them
    return 0;
  } catch (...) {
    return -1;
  }
}

int tsnode_errmsg(tsnode_t sd, char* buf, size_t buflen) {
  if (buf == nullptr || buflen == 0)
    return -1;
  try {
    auto h = find(sd);
    if (!h) {
      char msg[96];
      std::snprintf(msg, sizeof msg, "tsnode: %d is not an open handle (never made, or closed)",
                    sd);
      copy_out(msg, buf, buflen);
      return -1;
    }
    std::lock_guard lk{h->mtx};
    return copy_out(h->err, buf, buflen) ? 0 : -1;
  } catch (...) {
    copy_out("tsnode: internal error", buf, buflen);
    return -1;
  }
}

} // extern "C"
