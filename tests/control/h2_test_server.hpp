#pragma once
/// @file
/// An in-process HTTP/2 server on nghttp2's memory API (dependencies.md §5), the other end for
/// h2_client tests and fuzz seeds. Requests are recorded; each gets the response the test
/// queued for its path: a status, then a body that may be released in pieces (the map poll's
/// long-lived streaming response).

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include <nghttp2/nghttp2.h>

#include "crypto/bytes.hpp"

namespace tsnode::test {

class h2_test_server {
public:
  struct request {
    std::int32_t stream = 0;
    std::map<std::string, std::string> headers; ///< pseudo-headers included
    byte_buffer body;
    bool complete = false;
  };

  h2_test_server() {
    nghttp2_session_callbacks* cbs = nullptr;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_header_callback(cbs, &on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &on_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &on_frame);
    nghttp2_session_server_new(&session_, cbs, this);
    nghttp2_session_callbacks_del(cbs);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~h2_test_server() { nghttp2_session_del(session_); }
  h2_test_server(const h2_test_server&) = delete;
  h2_test_server& operator=(const h2_test_server&) = delete;

  /// Queues the response for requests to `path`. With `streaming`, the body is not ended:
  /// push() adds pieces and finish() ends it.
  void respond(const std::string& path, int status, byte_buffer body, bool streaming = false) {
    routes_[path] = route{status, std::move(body), streaming};
  }

  /// Appends body bytes to the streaming response of `stream`.
  void push(std::int32_t stream, byte_view bytes) {
    auto& o = out_[stream];
    o.pending.insert(o.pending.end(), bytes.begin(), bytes.end());
    nghttp2_session_resume_data(session_, stream);
  }
  /// Ends the streaming response of `stream`.
  void finish(std::int32_t stream) {
    out_[stream].eof = true;
    nghttp2_session_resume_data(session_, stream);
  }
  /// Resets a stream from the server side.
  void reset(std::int32_t stream, std::uint32_t code) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream, code);
  }

  /// Feeds client bytes; returns false when nghttp2 rejects them.
  bool receive(byte_view bytes) {
    return nghttp2_session_mem_recv(session_, bytes.data(), bytes.size())
           == static_cast<ssize_t>(bytes.size());
  }
  /// Returns the bytes the server wants to send.
  byte_buffer output() {
    byte_buffer out;
    for (;;) {
      const std::uint8_t* p = nullptr;
      auto n = nghttp2_session_mem_send(session_, &p);
      if (n <= 0)
        return out;
      out.insert(out.end(), p, p + n);
    }
  }

  std::vector<request> requests;
  /// WINDOW_UPDATE frames received from the client.
  int window_updates = 0;

private:
  struct route {
    int status = 200;
    byte_buffer body;
    bool streaming = false;
  };
  struct outgoing {
    std::deque<std::uint8_t> pending;
    bool eof = false;
  };

  request& find(std::int32_t stream) {
    for (auto& r : requests)
      if (r.stream == stream)
        return r;
    requests.push_back(request{stream, {}, {}, false});
    return requests.back();
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* f, const std::uint8_t* n,
                       std::size_t nl, const std::uint8_t* v, std::size_t vl, std::uint8_t,
                       void* user) {
    auto* self = static_cast<h2_test_server*>(user);
    self->find(f->hd.stream_id).headers[std::string(n, n + nl)] = std::string(v, v + vl);
    return 0;
  }
  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t stream, const std::uint8_t* d,
                     std::size_t len, void* user) {
    auto* self = static_cast<h2_test_server*>(user);
    auto& b = self->find(stream).body;
    b.insert(b.end(), d, d + len);
    return 0;
  }
  static int on_frame(nghttp2_session* s, const nghttp2_frame* f, void* user) {
    auto* self = static_cast<h2_test_server*>(user);
    if (f->hd.type == NGHTTP2_WINDOW_UPDATE)
      ++self->window_updates;
    if ((f->hd.type == NGHTTP2_HEADERS || f->hd.type == NGHTTP2_DATA)
        && (f->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
      auto& r = self->find(f->hd.stream_id);
      r.complete = true;
      self->answer(s, r);
    }
    return 0;
  }

  void answer(nghttp2_session* s, const request& r) {
    auto path = r.headers.count(":path") ? r.headers.at(":path") : std::string{};
    auto it = routes_.find(path);
    route rt = it != routes_.end() ? it->second : route{404, {}, false};
    auto& o = out_[r.stream];
    o.pending.assign(rt.body.begin(), rt.body.end());
    o.eof = !rt.streaming;
    status_text_[r.stream] = std::to_string(rt.status);
    auto& st = status_text_[r.stream];
    static const char status_name[] = ":status";
    nghttp2_nv nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(status_name)),
                  reinterpret_cast<std::uint8_t*>(st.data()), 7, st.size(), NGHTTP2_NV_FLAG_NONE};
    nghttp2_data_provider dp{};
    dp.read_callback = &read_body;
    nghttp2_submit_response(s, r.stream, &nv, 1, &dp);
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t stream, std::uint8_t* buf,
                           std::size_t len, std::uint32_t* flags, nghttp2_data_source*,
                           void* user) {
    auto* self = static_cast<h2_test_server*>(user);
    auto& o = self->out_[stream];
    auto n = std::min(len, o.pending.size());
    std::copy_n(o.pending.begin(), n, buf);
    o.pending.erase(o.pending.begin(), o.pending.begin() + static_cast<std::ptrdiff_t>(n));
    if (o.pending.empty()) {
      if (o.eof)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
      else if (n == 0)
        return NGHTTP2_ERR_DEFERRED;
    }
    return static_cast<ssize_t>(n);
  }

  nghttp2_session* session_ = nullptr;
  std::map<std::string, route> routes_;
  std::map<std::int32_t, outgoing> out_;
  std::map<std::int32_t, std::string> status_text_;
};

} // namespace tsnode::test
