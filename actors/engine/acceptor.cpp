#include "actors/engine/acceptor.hpp"

#include <cerrno>
#include <stdexcept>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace tsnode::engine {

namespace {

asio::ip::tcp::acceptor make_tcp(asio::io_context& io, const listen_address& where) {
  asio::error_code ec;
  auto ip = asio::ip::make_address(where.ip, ec);
  if (ec || !ip.is_loopback())
    throw std::invalid_argument("the proxy listens on loopback only, not '" + where.ip + "'");
  asio::ip::tcp::acceptor a{io};
  asio::ip::tcp::endpoint ep{ip, where.port};
  a.open(ep.protocol());
  a.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  a.bind(ep);
  a.listen(1024);
  return a;
}

/// Removes a stale socket left at `path` by an earlier run. Throws when `path` holds anything
/// else (a file is never deleted for a socket) or a socket that still accepts (another proxy).
void remove_stale_socket(asio::io_context& io, const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    return;
  if (!S_ISSOCK(st.st_mode))
    throw std::system_error(EEXIST, std::generic_category(), path + " exists and is not a socket");
  asio::local::stream_protocol::socket probe{io};
  asio::error_code ec;
  probe.connect(asio::local::stream_protocol::endpoint{path}, ec);
  if (!ec)
    throw std::system_error(EADDRINUSE, std::generic_category(), path + " is in use");
  ::unlink(path.c_str());
}

asio::local::stream_protocol::acceptor make_unix(asio::io_context& io, const std::string& path) {
  remove_stale_socket(io, path);
  asio::local::stream_protocol::acceptor a{io};
  a.open();
  // Create it 0600 from the start: no window in which others could connect.
  auto old = ::umask(0177);
  asio::error_code ec;
  a.bind(asio::local::stream_protocol::endpoint{path}, ec);
  ::umask(old);
  if (ec)
    throw std::system_error(ec, "bind " + path);
  a.listen(1024);
  return a;
}

} // namespace

acceptor::acceptor(asio::io_context& io, const listen_address& where, std::size_t credits,
                   accept_fn f)
  : io_(io)
  , sock_(where.unix_path ? decltype(sock_){make_unix(io, *where.unix_path)}
                          : decltype(sock_){make_tcp(io, where)})
  , unix_path_(where.unix_path)
  , ip_(where.ip)
  , credits_(credits)
  , on_accept_(std::move(f)) {
  if (auto* t = std::get_if<asio::ip::tcp::acceptor>(&sock_))
    port_ = t->local_endpoint().port();
}

std::shared_ptr<acceptor> acceptor::make(asio::io_context& io, const listen_address& where,
                                         std::size_t credits, accept_fn f) {
  auto a = std::make_shared<acceptor>(io, where, credits, std::move(f));
  a->accept_next();
  return a;
}

acceptor::~acceptor() {
  stop();
}

void acceptor::add_credit() {
  ++credits_;
  accept_next();
}

void acceptor::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  on_accept_ = nullptr;
  asio::error_code ec;
  std::visit([&](auto& a) { a.close(ec); }, sock_);
  if (unix_path_)
    ::unlink(unix_path_->c_str());
}

std::string acceptor::local_text() const {
  if (unix_path_)
    return *unix_path_;
  return ip_ + ":" + std::to_string(port_);
}

void acceptor::accept_next() {
  if (stopped_ || accepting_ || credits_ == 0)
    return;
  accepting_ = true;
  std::visit(
    [this](auto& a) {
      a.async_accept([this, self = shared_from_this()](const asio::error_code& ec, auto sock) {
        accepting_ = false;
        // Stopped while this accept was completing: the connection arrived too late.
        if (stopped_)
          return;
        if (ec) {
          // A closed acceptor must not re-arm (dependencies.md §5: it would spin forever);
          // anything else (EMFILE, ECONNABORTED) is retried after a pause.
          if (ec == asio::error::operation_aborted)
            return;
          auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
          t->async_wait([self, t](const asio::error_code&) { self->accept_next(); });
          return;
        }
        std::string peer;
        if constexpr (std::is_same_v<decltype(sock), asio::ip::tcp::socket>) {
          asio::error_code e2;
          auto rep = sock.remote_endpoint(e2);
          if (!e2)
            peer = rep.address().to_string() + ":" + std::to_string(rep.port());
          sock.set_option(asio::ip::tcp::no_delay(true), e2);
        } else {
          peer = "unix";
        }
        --credits_;
        on_accept_(sock.release(), std::move(peer));
        accept_next();
      });
    },
    sock_);
}

} // namespace tsnode::engine
