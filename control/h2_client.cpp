#include "control/h2_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>

#include <nghttp2/nghttp2.h>

namespace tsnode::control {

namespace {

/// What we still have to send of one request body.
struct outgoing_body {
  byte_buffer data;
  std::size_t sent = 0;
};

/// What we have seen of one response.
struct incoming {
  std::vector<h2_header> headers;
  int status = 0;
  bool end_stream = false;
};

} // namespace

struct h2_client::impl {
  nghttp2_session* session = nullptr;
  std::map<stream_id, outgoing_body> bodies;
  std::map<stream_id, incoming> streams;
  std::vector<h2_event> events;
  std::string last_error;               ///< nghttp2's latest verbose error text
  byte_buffer pending;                  ///< output drained from nghttp2, not yet taken
  std::uint32_t local_goaway_error = 0; ///< error code of a GOAWAY nghttp2 sent on its own
  bool shut_down = false;

  ~impl() {
    if (session)
      nghttp2_session_del(session);
  }

  // -- nghttp2 callbacks: they must not throw, so allocation failures end the session ------

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) noexcept {
    auto* self = static_cast<impl*>(user);
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_RESPONSE) {
      try {
        auto& s = self->streams[frame->hd.stream_id];
        s.headers.clear();
        s.status = 0;
      } catch (...) {
        return NGHTTP2_ERR_CALLBACK_FAILURE;
      }
    }
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t, void* user) noexcept {
    auto* self = static_cast<impl*>(user);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_RESPONSE)
      return 0; // trailers are ignored
    try {
      auto& s = self->streams[frame->hd.stream_id];
      std::string n(reinterpret_cast<const char*>(name), namelen);
      std::string v(reinterpret_cast<const char*>(value), valuelen);
      if (n == ":status") {
        // nghttp2's HTTP messaging checks guarantee three digits here.
        s.status = std::atoi(v.c_str());
      } else {
        s.headers.push_back(h2_header{std::move(n), std::move(v)});
      }
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) noexcept {
    auto* self = static_cast<impl*>(user);
    try {
      switch (frame->hd.type) {
        case NGHTTP2_HEADERS: {
          auto it = self->streams.find(frame->hd.stream_id);
          if (it == self->streams.end())
            break;
          if (frame->headers.cat == NGHTTP2_HCAT_RESPONSE && it->second.status >= 200)
            self->events.emplace_back(h2_response_head{frame->hd.stream_id, it->second.status,
                                                       std::move(it->second.headers)});
          if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)
            it->second.end_stream = true;
          break;
        }
        case NGHTTP2_DATA:
          if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)
            self->streams[frame->hd.stream_id].end_stream = true;
          break;
        case NGHTTP2_GOAWAY:
          self->events.emplace_back(
            h2_goaway{frame->goaway.last_stream_id, frame->goaway.error_code});
          break;
        default:
          break;
      }
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t stream,
                           const std::uint8_t* data, std::size_t len, void* user) noexcept {
    auto* self = static_cast<impl*>(user);
    try {
      if (!self->events.empty()) {
        if (auto* d = std::get_if<h2_data>(&self->events.back()); d && d->stream == stream) {
          d->bytes.insert(d->bytes.end(), data, data + len);
          return 0;
        }
      }
      self->events.emplace_back(h2_data{stream, byte_buffer(data, data + len)});
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t stream, std::uint32_t error_code,
                             void* user) noexcept {
    auto* self = static_cast<impl*>(user);
    try {
      bool ended = false;
      if (auto it = self->streams.find(stream); it != self->streams.end()) {
        ended = it->second.end_stream;
        self->streams.erase(it);
      }
      self->bodies.erase(stream);
      self->events.emplace_back(h2_stream_end{stream, ended && error_code == 0, error_code});
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_error(nghttp2_session*, int lib_error_code, const char* msg, std::size_t len,
                      void* user) noexcept {
    auto* self = static_cast<impl*>(user);
    // Kept for the report of receive(): nghttp2 answers a connection error with GOAWAY by itself
    // and mem_recv still succeeds.
    (void)lib_error_code;
    try {
      self->last_error.assign(msg, len);
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user) noexcept {
    auto* self = static_cast<impl*>(user);
    // nghttp2 answers a connection-level protocol error by terminating the session with a
    // GOAWAY carrying the error: that is how receive() learns about it.
    if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR
        && self->local_goaway_error == 0)
      self->local_goaway_error = frame->goaway.error_code;
    return 0;
  }

  /// Moves everything nghttp2 wants to send into `pending`; returns a negative nghttp2 error.
  int drain() noexcept {
    for (;;) {
      const std::uint8_t* data = nullptr;
      auto n = nghttp2_session_mem_send(session, &data);
      if (n <= 0)
        return static_cast<int>(n);
      try {
        pending.insert(pending.end(), data, data + n);
      } catch (...) {
        return NGHTTP2_ERR_NOMEM;
      }
    }
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t stream, std::uint8_t* buf,
                           std::size_t length, std::uint32_t* flags, nghttp2_data_source*,
                           void* user) noexcept {
    auto* self = static_cast<impl*>(user);
    auto it = self->bodies.find(stream);
    if (it == self->bodies.end()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      return 0;
    }
    auto& b = it->second;
    auto n = std::min(length, b.data.size() - b.sent);
    std::copy_n(b.data.data() + b.sent, n, buf);
    b.sent += n;
    if (b.sent == b.data.size()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      self->bodies.erase(it);
    }
    return static_cast<ssize_t>(n);
  }
};

h2_client::h2_client(std::unique_ptr<impl> p) noexcept
  : impl_(std::move(p)) {}
h2_client::~h2_client() = default;
h2_client::h2_client(h2_client&&) noexcept = default;
h2_client& h2_client::operator=(h2_client&&) noexcept = default;

std::variant<h2_client, control_error> h2_client::create(const h2_settings& settings) {
  auto p = std::make_unique<impl>();
  nghttp2_session_callbacks* cbs = nullptr;
  if (nghttp2_session_callbacks_new(&cbs) != 0)
    return control_error{control_errc::http2_init_failed, "callbacks"};
  nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &impl::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cbs, &impl::on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &impl::on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &impl::on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &impl::on_stream_close);
  nghttp2_session_callbacks_set_error_callback2(cbs, &impl::on_error);
  nghttp2_session_callbacks_set_on_frame_send_callback(cbs, &impl::on_frame_send);
  int rv = nghttp2_session_client_new(&p->session, cbs, p.get());
  nghttp2_session_callbacks_del(cbs);
  if (rv != 0)
    return control_error{control_errc::http2_init_failed, nghttp2_strerror(rv)};
  // Trap #5: prior knowledge. The 24-byte preface goes out with the first mem_send; SETTINGS
  // follow at once, without waiting for the server's.
  nghttp2_settings_entry iv[] = {
    {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
    {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, settings.max_concurrent_streams},
    {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE,
     std::min<std::uint32_t>(settings.stream_window, NGHTTP2_MAX_WINDOW_SIZE)},
  };
  rv = nghttp2_submit_settings(p->session, NGHTTP2_FLAG_NONE, iv, sizeof iv / sizeof iv[0]);
  if (rv != 0)
    return control_error{control_errc::http2_init_failed, nghttp2_strerror(rv)};
  auto conn_window = static_cast<std::int32_t>(
    std::min<std::uint32_t>(settings.connection_window, NGHTTP2_MAX_WINDOW_SIZE));
  if (conn_window > NGHTTP2_INITIAL_CONNECTION_WINDOW_SIZE) {
    rv = nghttp2_session_set_local_window_size(p->session, NGHTTP2_FLAG_NONE, 0, conn_window);
    if (rv != 0)
      return control_error{control_errc::http2_init_failed, nghttp2_strerror(rv)};
  }
  return h2_client{std::move(p)};
}

std::variant<stream_id, control_error> h2_client::submit(const h2_request& r) {
  if (!is_open() || impl_->shut_down)
    return control_error{control_errc::http2_closed, {}};
  std::vector<std::pair<std::string, std::string>> fields;
  fields.emplace_back(":method", r.method);
  fields.emplace_back(":scheme", r.scheme);
  fields.emplace_back(":authority", r.authority);
  fields.emplace_back(":path", r.path);
  bool has_length = false;
  for (auto& h : r.headers) {
    std::string name = h.name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    has_length = has_length || name == "content-length";
    fields.emplace_back(std::move(name), h.value);
  }
  if (!has_length && (!r.body.empty() || r.method == "POST" || r.method == "PUT"))
    fields.emplace_back("content-length", std::to_string(r.body.size()));
  std::vector<nghttp2_nv> nva;
  nva.reserve(fields.size());
  for (auto& [n, v] : fields)
    nva.push_back(nghttp2_nv{reinterpret_cast<std::uint8_t*>(n.data()),
                             reinterpret_cast<std::uint8_t*>(v.data()), n.size(), v.size(),
                             NGHTTP2_NV_FLAG_NONE});
  nghttp2_data_provider provider{};
  provider.read_callback = &impl::read_body;
  auto id = nghttp2_submit_request(impl_->session, nullptr, nva.data(), nva.size(),
                                   r.body.empty() ? nullptr : &provider, nullptr);
  if (id < 0)
    return control_error{control_errc::http2_submit, nghttp2_strerror(id)};
  if (!r.body.empty())
    impl_->bodies[id] = outgoing_body{r.body, 0};
  impl_->streams[id];
  return stream_id{id};
}

std::optional<control_error> h2_client::receive(byte_view bytes) {
  if (!impl_->session)
    return control_error{control_errc::http2_closed, {}};
  auto rv = nghttp2_session_mem_recv(impl_->session, bytes.data(), bytes.size());
  if (rv < 0)
    return control_error{control_errc::http2_protocol, nghttp2_strerror(static_cast<int>(rv))};
  // Stream-level errors only reset their stream (h2_stream_end); a connection-level one makes
  // nghttp2 queue a GOAWAY with an error code, which draining the output reveals.
  if (auto e = impl_->drain(); e < 0)
    return control_error{control_errc::http2_protocol, nghttp2_strerror(e)};
  if (impl_->local_goaway_error != 0) {
    std::string why = nghttp2_http2_strerror(impl_->local_goaway_error);
    if (!impl_->last_error.empty())
      why += ": " + impl_->last_error;
    return control_error{control_errc::http2_protocol, std::move(why)};
  }
  return std::nullopt;
}

std::variant<byte_buffer, control_error> h2_client::take_output() {
  if (auto e = impl_->drain(); e < 0)
    return control_error{control_errc::http2_protocol, nghttp2_strerror(e)};
  return std::exchange(impl_->pending, {});
}

std::vector<h2_event> h2_client::take_events() {
  return std::exchange(impl_->events, {});
}

void h2_client::cancel(stream_id stream) {
  nghttp2_submit_rst_stream(impl_->session, NGHTTP2_FLAG_NONE, stream, NGHTTP2_CANCEL);
}

void h2_client::shutdown() {
  impl_->shut_down = true;
  // A client's GOAWAY names the last server-initiated stream it accepts: none (no push).
  nghttp2_submit_goaway(impl_->session, NGHTTP2_FLAG_NONE, 0, NGHTTP2_NO_ERROR, nullptr, 0);
}

bool h2_client::is_open() const noexcept {
  return impl_ && impl_->session
         && (nghttp2_session_want_read(impl_->session)
             || nghttp2_session_want_write(impl_->session));
}

} // namespace tsnode::control
