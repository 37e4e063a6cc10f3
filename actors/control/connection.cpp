#include "actors/control/connection.hpp"

#include <asio/connect.hpp>
#include <asio/ip/address.hpp>
#include <asio/ssl/error.hpp>
#include <asio/ssl/host_name_verification.hpp>
#include <asio/write.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <charconv>

#include "control/requests.hpp"

namespace tsnode::control_io {

namespace {

/// The `/key` answer is small (Go reads at most 64 KiB, §2.1).
constexpr std::size_t max_key_response = 64 * 1024;
/// What is kept of a non-200 answer for the error text.
constexpr std::size_t max_error_body = 4096;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// Printable text for logs: the first `n` bytes, control characters as '?'.
std::string printable(std::string_view s, std::size_t n = 300) {
  std::string out;
  for (char c : trim(s.substr(0, n)))
    out += (static_cast<unsigned char>(c) < 0x20 && c != ' ') ? ' ' : c;
  if (s.size() > n)
    out += "...";
  return out;
}

/// An HTTP/1.1 response read to the end of the connection: status, one header, body.
struct http1_response {
  int status = 0;
  std::string body;
  bool framed = false; ///< the body's end is known (Content-Length or chunked), not the EOF
};

/// Parses an HTTP/1.x response read so far: Content-Length or
/// chunked bodies, else everything after the head.
std::optional<http1_response> parse_http1(std::string_view raw, std::string& why) {
  auto end = raw.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    why = "incomplete HTTP response head";
    return std::nullopt;
  }
  auto head = raw.substr(0, end);
  auto body = raw.substr(end + 4);
  auto line_end = head.find("\r\n");
  auto status_line = head.substr(0, line_end);
  if (status_line.substr(0, 7) != "HTTP/1." || status_line.size() < 12) {
    why = "not an HTTP/1.x response: " + printable(status_line);
    return std::nullopt;
  }
  http1_response r;
  auto code = status_line.substr(9, 3);
  if (std::from_chars(code.data(), code.data() + code.size(), r.status).ec != std::errc{}) {
    why = "bad HTTP status line: " + printable(status_line);
    return std::nullopt;
  }
  bool chunked = false;
  std::optional<std::size_t> length;
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    auto e = rest.find("\r\n");
    auto line = rest.substr(0, e);
    rest = e == std::string_view::npos ? "" : rest.substr(e + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      continue;
    auto name = lower(trim(line.substr(0, colon)));
    auto value = trim(line.substr(colon + 1));
    if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos)
      chunked = true;
    if (name == "content-length") {
      std::size_t n = 0;
      if (std::from_chars(value.data(), value.data() + value.size(), n).ec == std::errc{})
        length = n;
    }
  }
  if (chunked) {
    std::string out;
    for (;;) {
      auto e = body.find("\r\n");
      if (e == std::string_view::npos) {
        why = "truncated chunked body";
        return std::nullopt;
      }
      std::size_t n = 0;
      auto size_text = body.substr(0, std::min(e, body.find(';')));
      if (std::from_chars(size_text.data(), size_text.data() + size_text.size(), n, 16).ec
            != std::errc{}
          || body.size() < e + 2 + n) {
        why = "bad chunked body";
        return std::nullopt;
      }
      if (n == 0)
        break;
      out.append(body.substr(e + 2, n));
      body.remove_prefix(std::min(body.size(), e + 2 + n + 2));
    }
    r.body = std::move(out);
    r.framed = true;
  } else if (length) {
    if (body.size() < *length) {
      why = "truncated body";
      return std::nullopt;
    }
    r.body = std::string(body.substr(0, *length));
    r.framed = true;
  } else {
    r.body = std::string(body);
  }
  return r;
}

bool is_ip_literal(const std::string& host) {
  asio::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

} // namespace

std::optional<server_url> parse_server_url(std::string_view url) {
  server_url out;
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    out.tls = true;
    rest = url.substr(8);
  } else {
    return std::nullopt;
  }
  if (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos)
    return std::nullopt;
  out.authority = std::string(rest);
  out.text = std::string(url.substr(0, url.size() - (url.back() == '/' ? 1 : 0)));
  std::string_view port_text;
  if (rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    out.host = std::string(rest.substr(1, close - 1));
    auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    auto colon = rest.find(':');
    out.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos)
      port_text = rest.substr(colon + 1);
  }
  if (out.host.empty())
    return std::nullopt;
  out.port = out.tls ? 443 : 80;
  if (!port_text.empty() || rest.back() == ':') {
    unsigned p = 0;
    auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (r.ec != std::errc{} || r.ptr != port_text.data() + port_text.size() || p == 0 || p > 65535)
      return std::nullopt;
    out.port = static_cast<std::uint16_t>(p);
  }
  return out;
}

connection::connection(asio::io_context& io, server_url url, crypto::machine_private machine,
                       crypto::random_source& rng, std::chrono::milliseconds connect_timeout,
                       handler h)
  : io_(io)
  , url_(std::move(url))
  , machine_(std::move(machine))
  , rng_(rng)
  , connect_timeout_(connect_timeout)
  , handler_(std::move(h))
  , resolver_(io)
  , ssl_(asio::ssl::context::tls_client)
  , deadline_(io) {
  // Verified TLS (§2.1: the /key fetch is the only trust anchor of the server key). The ts2021
  // connection is verified too: stricter than Go, and the same server answers both.
  ssl_.set_default_verify_paths();
  ssl_.set_verify_mode(asio::ssl::verify_peer);
}

connection::~connection() = default;

template <class Buffers, class Handler>
void connection::async_read_some(const Buffers& b, Handler&& h) {
  if (url_.tls)
    stream_->async_read_some(b, std::forward<Handler>(h));
  else
    stream_->next_layer().async_read_some(b, std::forward<Handler>(h));
}

template <class Buffers, class Handler>
void connection::async_write(const Buffers& b, Handler&& h) {
  if (url_.tls)
    asio::async_write(*stream_, b, std::forward<Handler>(h));
  else
    asio::async_write(stream_->next_layer(), b, std::forward<Handler>(h));
}

void connection::emit(conn_event ev) {
  if (handler_)
    handler_(std::move(ev));
}

void connection::fail(std::string why) {
  if (phase_ == phase::closed)
    return;
  emit(conn_down{std::move(why)});
  close();
}

void connection::close() {
  if (phase_ == phase::closed)
    return;
  phase_ = phase::closed;
  handler_ = nullptr;
  asio::error_code ec;
  deadline_.cancel();
  resolver_.cancel();
  if (stream_)
    stream_->next_layer().close(ec);
  streams_.clear();
  out_.clear();
}

void connection::start() {
  started_ = std::chrono::steady_clock::now();
  phase_ = phase::key;
  deadline_.expires_after(connect_timeout_);
  deadline_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (ec || self->phase_ == phase::running || self->phase_ == phase::closed)
      return;
    self->fail("timed out after " + std::to_string(self->connect_timeout_.count() / 1000)
               + " s connecting to " + self->url_.text);
  });
  resolver_.async_resolve(
    url_.host, std::to_string(url_.port),
    [self = shared_from_this()](const asio::error_code& ec,
                                asio::ip::tcp::resolver::results_type results) {
      if (self->phase_ == phase::closed)
        return;
      if (ec)
        return self->fail("resolve " + self->url_.host + ": " + ec.message());
      self->endpoints_ = std::move(results);
      self->dial([self] { self->fetch_key(); });
    });
}

void connection::dial(std::function<void()> next) {
  stream_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket>>(io_, ssl_);
  asio::async_connect(
    stream_->next_layer(), endpoints_,
    [self = shared_from_this(), next = std::move(next)](const asio::error_code& ec,
                                                        const asio::ip::tcp::endpoint&) {
      if (self->phase_ == phase::closed)
        return;
      if (ec)
        return self->fail("connect to " + self->url_.authority + ": " + ec.message());
      asio::error_code ignored;
      self->stream_->next_layer().set_option(asio::ip::tcp::no_delay(true), ignored);
      if (!self->url_.tls)
        return next();
      // SNI and the certificate's name; an IP literal is checked against the IP SANs.
      if (!is_ip_literal(self->url_.host))
        SSL_set_tlsext_host_name(self->stream_->native_handle(), self->url_.host.c_str());
      self->stream_->set_verify_callback(asio::ssl::host_name_verification(self->url_.host));
      // No ALPN at all: the upgrade must stay HTTP/1.1 (trap #19).
      self->stream_->async_handshake(
        asio::ssl::stream_base::client, [self, next](const asio::error_code& ec2) {
          if (self->phase_ == phase::closed)
            return;
          if (ec2)
            return self->fail("TLS with " + self->url_.authority + ": " + ec2.message());
          next();
        });
    });
}

void connection::fetch_key() {
  auto req = std::make_shared<std::string>("GET " + control::key_request_path()
                                           + " HTTP/1.1\r\nHost: " + url_.authority
                                           + "\r\nUser-Agent: tsnode\r\nAccept: "
                                             "application/json\r\nConnection: close\r\n\r\n");
  async_write(asio::buffer(*req),
              [self = shared_from_this(), req](const asio::error_code& ec, std::size_t) {
                if (self->phase_ == phase::closed)
                  return;
                if (ec)
                  return self->fail("GET /key: " + ec.message());
                self->read_key();
              });
}

void connection::read_key() {
  async_read_some(asio::buffer(read_buf_), [self = shared_from_this()](const asio::error_code& ec,
                                                                       std::size_t n) {
    if (self->phase_ == phase::closed)
      return;
    self->key_response_.append(reinterpret_cast<const char*>(self->read_buf_.data()), n);
    if (self->key_response_.size() > max_key_response)
      return self->fail("GET /key: answer larger than 64 KiB");
    if (!ec) {
      // Done once a framed body is complete, even if the server keeps the connection open.
      std::string ignored;
      if (auto r = parse_http1(self->key_response_, ignored); r && r->framed)
        return self->finish_key();
      return self->read_key();
    }
    if (ec != asio::error::eof && ec != asio::ssl::error::stream_truncated)
      return self->fail("GET /key: " + ec.message());
    self->finish_key();
  });
}

void connection::finish_key() {
  std::string why;
  auto r = parse_http1(key_response_, why);
  if (!r)
    return fail("GET /key: " + why);
  if (r->status != 200)
    return fail("GET /key: HTTP " + std::to_string(r->status) + ": " + printable(r->body));
  auto key = control::parse_server_key_response(r->body);
  if (auto* e = std::get_if<control::control_error>(&key))
    return fail("GET /key: " + control::to_string(*e));
  server_key_ = std::get<crypto::machine_public>(key);
  asio::error_code ec;
  stream_->next_layer().close(ec);
  phase_ = phase::upgrade;
  dial([self = shared_from_this()] { self->upgrade(); });
}

void connection::upgrade() {
  auto hs
    = control::noise_ik_client::start(machine_, server_key_, control::capability_version, rng_);
  if (auto* e = std::get_if<control::control_error>(&hs))
    return fail("Noise: " + control::to_string(*e));
  handshake_.emplace(std::move(std::get<control::noise_ik_client>(hs)));
  auto req = std::make_shared<std::string>(
    control::upgrade_request(url_.authority, handshake_->initiation()));
  async_write(asio::buffer(*req),
              [self = shared_from_this(), req](const asio::error_code& ec, std::size_t) {
                if (self->phase_ == phase::closed)
                  return;
                if (ec)
                  return self->fail("POST /ts2021: " + ec.message());
              });
  read_loop();
}

void connection::read_loop() {
  async_read_some(asio::buffer(read_buf_), [self = shared_from_this()](const asio::error_code& ec,
                                                                       std::size_t n) {
    if (self->phase_ == phase::closed)
      return;
    if (n > 0)
      self->on_bytes(byte_view{self->read_buf_.data(), n});
    if (self->phase_ == phase::closed)
      return;
    if (ec) {
      if (self->phase_ == phase::handshake)
        return self->fail("the server closed the connection after 101 (capability version "
                          + std::to_string(control::capability_version) + " refused?)");
      if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
        return self->fail("the server closed the connection");
      return self->fail("read: " + ec.message());
    }
    self->read_loop();
  });
}

void connection::on_bytes(byte_view data) {
  if (phase_ == phase::upgrade) {
    auto step = upgrade_reader_.feed(data);
    if (auto* e = std::get_if<control::control_error>(&step))
      return fail("POST /ts2021: " + control::to_string(*e));
    auto* done = std::get_if<control::upgrade_done>(&step);
    if (!done)
      return;
    phase_ = phase::handshake;
    data = data.subspan(done->consumed);
  }
  if (phase_ == phase::handshake) {
    if (data.empty())
      return;
    auto step = handshake_->feed(data);
    if (auto* e = std::get_if<control::control_error>(&step))
      return fail("Noise handshake: " + control::to_string(*e));
    auto* done = std::get_if<control::handshake_complete>(&step);
    if (!done)
      return;
    writer_.emplace(std::move(done->keys.send));
    reader_.emplace(std::move(done->keys.receive));
    data = data.subspan(done->consumed);
    handshake_.reset();
    auto h2 = control::h2_client::create();
    if (auto* e = std::get_if<control::control_error>(&h2))
      return fail("HTTP/2: " + control::to_string(*e));
    h2_.emplace(std::move(std::get<control::h2_client>(h2)));
    phase_ = phase::running;
    deadline_.cancel();
    emit(conn_up{std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_)});
    if (phase_ != phase::running)
      return;
    flush(); // the HTTP/2 preface and SETTINGS, and whatever the handler submitted
  }
  if (phase_ != phase::running || data.empty())
    return;
  auto r = reader_->feed(data);
  if (!r.plaintext.empty()) {
    auto e = strip_.feed(r.plaintext);
    if (e.error)
      return fail("early payload: " + control::to_string(*e.error));
    if (!e.http2.empty()) {
      if (auto err = h2_->receive(e.http2)) {
        handle_h2_events();
        return fail("HTTP/2: " + control::to_string(*err));
      }
    }
    handle_h2_events();
    if (phase_ != phase::running)
      return;
  }
  if (r.error)
    return fail("records: " + control::to_string(*r.error));
  flush();
}

void connection::handle_h2_events() {
  for (auto& ev : h2_->take_events()) {
    if (phase_ != phase::running)
      return;
    if (auto* head = std::get_if<control::h2_response_head>(&ev)) {
      auto i = streams_.find(head->stream);
      if (i == streams_.end())
        continue;
      i->second.status = head->status;
      for (auto& h : head->headers)
        if (lower(h.name) == "retry-after")
          i->second.retry_after = h.value;
    } else if (auto* d = std::get_if<control::h2_data>(&ev)) {
      auto i = streams_.find(d->stream);
      if (i == streams_.end())
        continue;
      auto& s = i->second;
      if (s.is_map && s.status == 200) {
        auto r = s.reader->feed(d->bytes);
        for (auto& m : r.messages) {
          emit(map_message{std::move(m)});
          if (phase_ != phase::running)
            return;
        }
        if (r.error) {
          h2_->cancel(d->stream);
          streams_.erase(i);
          emit(map_closed{"map stream: " + control::to_string(*r.error), 200});
        }
      } else {
        std::size_t cap = s.is_map || s.status != 200 ? max_error_body : s.max_body;
        if (s.body.size() + d->bytes.size() > cap) {
          if (s.is_map || s.status != 200) {
            s.body.append(reinterpret_cast<const char*>(d->bytes.data()),
                          std::min(d->bytes.size(), cap - s.body.size()));
            continue;
          }
          h2_->cancel(d->stream);
          auto id = s.rpc_id;
          streams_.erase(i);
          emit(
            rpc_done{id, 0, {}, {}, "response body larger than " + std::to_string(cap) + " bytes"});
          continue;
        }
        s.body.append(reinterpret_cast<const char*>(d->bytes.data()), d->bytes.size());
      }
    } else if (auto* end = std::get_if<control::h2_stream_end>(&ev)) {
      auto i = streams_.find(end->stream);
      if (i == streams_.end())
        continue;
      auto s = std::move(i->second);
      streams_.erase(i);
      if (s.is_map) {
        std::string why;
        if (s.status != 200)
          why = "POST /machine/map: HTTP " + std::to_string(s.status) + ": " + printable(s.body);
        else if (end->complete)
          why = "the server ended the map stream";
        else
          why = "the map stream was reset (HTTP/2 error " + std::to_string(end->error_code) + ")";
        emit(map_closed{std::move(why), s.status});
      } else {
        rpc_done r{s.rpc_id, s.status, std::move(s.body), std::move(s.retry_after), {}};
        if (!end->complete)
          r.error = "the stream was reset (HTTP/2 error " + std::to_string(end->error_code) + ")";
        emit(std::move(r));
      }
    } else if (auto* g = std::get_if<control::h2_goaway>(&ev)) {
      (void)g; // the session ends by itself once the open streams are over (is_open)
    }
  }
}

void connection::flush() {
  if (phase_ != phase::running)
    return;
  auto out = h2_->take_output();
  if (auto* e = std::get_if<control::control_error>(&out))
    return fail("HTTP/2: " + control::to_string(*e));
  handle_h2_events();
  if (phase_ != phase::running)
    return;
  auto& plain = std::get<byte_buffer>(out);
  if (!plain.empty()) {
    auto sealed = writer_->seal(plain);
    if (auto* e = std::get_if<control::control_error>(&sealed))
      return fail("records: " + control::to_string(*e));
    out_.push_back(std::move(std::get<byte_buffer>(sealed)));
    write_next();
  }
  if (!h2_->is_open() && out_.empty() && !writing_)
    fail("the server ended the HTTP/2 session (GOAWAY)");
}

void connection::write_next() {
  if (writing_ || out_.empty() || phase_ != phase::running)
    return;
  writing_ = true;
  async_write(asio::buffer(out_.front()),
              [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                self->writing_ = false;
                if (self->phase_ == phase::closed)
                  return;
                if (ec)
                  return self->fail("write: " + ec.message());
                self->out_.pop_front();
                self->write_next();
              });
}

void connection::rpc(std::uint64_t id, const std::string& path, const std::string& body,
                     std::size_t max_body) {
  if (phase_ != phase::running) {
    emit(rpc_done{id, 0, {}, {}, "not connected"});
    return;
  }
  control::h2_request req{"POST",
                          path,
                          url_.authority,
                          "https",
                          {{"content-type", "application/json"}},
                          byte_buffer(body.begin(), body.end())};
  auto sid = h2_->submit(req);
  if (auto* e = std::get_if<control::control_error>(&sid))
    return fail("HTTP/2 " + path + ": " + control::to_string(*e));
  stream_info s;
  s.rpc_id = id;
  s.max_body = max_body;
  streams_.emplace(std::get<control::stream_id>(sid), std::move(s));
  flush();
}

void connection::open_map(const std::string& body, control::map_compression compression,
                          control::map_stream_limits limits) {
  if (phase_ != phase::running) {
    emit(map_closed{"not connected"});
    return;
  }
  control::h2_request req{"POST",
                          "/machine/map",
                          url_.authority,
                          "https",
                          {{"content-type", "application/json"}},
                          byte_buffer(body.begin(), body.end())};
  auto sid = h2_->submit(req);
  if (auto* e = std::get_if<control::control_error>(&sid))
    return fail("HTTP/2 /machine/map: " + control::to_string(*e));
  stream_info s;
  s.is_map = true;
  s.reader.emplace(compression, limits);
  streams_.emplace(std::get<control::stream_id>(sid), std::move(s));
  flush();
}

} // namespace tsnode::control_io
