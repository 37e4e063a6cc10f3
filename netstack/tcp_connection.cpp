#include "netstack/tcp_connection.hpp"

#include <algorithm>
#include <cstring>

extern "C" {
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
}

#include "netstack/lwip_glue.hpp"

namespace tsnode::netstack {

namespace {

err_t recv_trampoline(void* arg, struct tcp_pcb* pcb, struct pbuf* p, err_t) {
  auto* c = static_cast<tcp_connection*>(arg);
  if (c == nullptr) { // detached: behave like lwIP's tcp_recv_null
    if (p != nullptr) {
      tcp_recved(pcb, p->tot_len);
      pbuf_free(p);
    }
    return ERR_OK;
  }
  c->on_lwip_recv(p);
  return c->take_abort_request() ? ERR_ABRT : ERR_OK;
}

err_t sent_trampoline(void* arg, struct tcp_pcb*, u16_t) {
  auto* c = static_cast<tcp_connection*>(arg);
  if (c == nullptr)
    return ERR_OK;
  c->on_lwip_sent();
  return c->take_abort_request() ? ERR_ABRT : ERR_OK;
}

void err_trampoline(void* arg, err_t err) {
  if (auto* c = static_cast<tcp_connection*>(arg))
    c->on_lwip_err(err);
}

/// Calls tcp_recved in u16-sized steps: windows are larger than 64 KiB (TCP_WND ~ 4 MiB).
void reopen_window(struct tcp_pcb* pcb, std::size_t n) {
  while (n > 0) {
    auto step = static_cast<u16_t>(std::min<std::size_t>(n, 0xFFFF));
    tcp_recved(pcb, step);
    n -= step;
  }
}

} // namespace

tcp_connection::tcp_connection(stack& owner, ::tcp_pcb* pcb, tcp_handler* h, state s)
  : owner_(owner)
  , pcb_(pcb)
  , handler_(h)
  , state_(s) {
  tcp_arg(pcb_, this);
  tcp_recv(pcb_, recv_trampoline);
  tcp_sent(pcb_, sent_trampoline);
  tcp_err(pcb_, err_trampoline);
}

tcp_connection::~tcp_connection() {
  if (deferred_ != 0)
    owner_.forget(this);
  if (pcb_ != nullptr)
    close();
  for (std::size_t i = rx_head_; i < rx_.size(); ++i)
    pbuf_free(rx_[i]);
}

void tcp_connection::detach() noexcept {
  if (pcb_ == nullptr)
    return;
  tcp_arg(pcb_, nullptr);
  tcp_recv(pcb_, nullptr);
  tcp_sent(pcb_, nullptr);
  tcp_err(pcb_, nullptr);
  tcp_poll(pcb_, nullptr, 0);
}

std::span<const std::uint8_t> tcp_connection::peek() const noexcept {
  if (rx_head_ == rx_.size())
    return {};
  const struct pbuf* p = rx_[rx_head_];
  return {static_cast<const std::uint8_t*>(p->payload), p->len};
}

std::size_t tcp_connection::peek_many(std::span<std::span<const std::uint8_t>> out) const noexcept {
  std::size_t k = 0;
  for (std::size_t i = rx_head_; i < rx_.size() && k < out.size(); ++i)
    for (const struct pbuf* p = rx_[i]; p != nullptr && k < out.size(); p = p->next)
      if (p->len > 0)
        out[k++] = {static_cast<const std::uint8_t*>(p->payload), p->len};
  return k;
}

void tcp_connection::consume(std::size_t n) {
  n = std::min(n, rx_bytes_);
  std::size_t done = n;
  while (n > 0 && rx_head_ < rx_.size()) {
    struct pbuf*& head = rx_[rx_head_];
    if (n >= head->tot_len) {
      n -= head->tot_len;
      pbuf_free(head);
      head = nullptr;
      ++rx_head_;
    } else {
      // Drops whole pbufs from the front of the chain and trims the first remaining one.
      head = pbuf_free_header(head, static_cast<u16_t>(n));
      n = 0;
    }
  }
  if (rx_head_ == rx_.size()) {
    rx_.clear();
    rx_head_ = 0;
  }
  rx_bytes_ -= done;
  // Reopen the window only now that the bytes have left: this is the receive-side back-pressure.
  if (pcb_ != nullptr)
    reopen_window(pcb_, done);
}

std::size_t tcp_connection::read(std::span<std::uint8_t> out) {
  std::size_t total = 0;
  while (total < out.size()) {
    auto chunk = peek();
    if (chunk.empty())
      break;
    auto n = std::min(chunk.size(), out.size() - total);
    std::memcpy(out.data() + total, chunk.data(), n);
    consume(n);
    total += n;
  }
  return total;
}

std::size_t tcp_connection::writable() const noexcept {
  if (pcb_ == nullptr || write_shut_ || state_ != state::established)
    return 0;
  if (tcp_sndqueuelen(pcb_) >= TCP_SND_QUEUELEN - 4)
    return 0;
  // pcb->snd_buf, not tcp_sndbuf(): that macro caps the value at 0xFFFF (TCPWND16).
  return pcb_->snd_buf;
}

std::size_t tcp_connection::write(std::span<const std::uint8_t> data) {
  std::size_t total = 0;
  while (total < data.size()) {
    auto room = writable();
    if (room == 0)
      break;
    auto n = static_cast<u16_t>(std::min<std::size_t>({room, data.size() - total, 0xFFFF}));
    u8_t flags = TCP_WRITE_FLAG_COPY;
    if (total + n < data.size())
      flags |= TCP_WRITE_FLAG_MORE;
    if (tcp_write(pcb_, data.data() + total, n, flags) != ERR_OK)
      break; // ERR_MEM: the queue is full; on_writable() says when to go on
    total += n;
  }
  if (total > 0 && pcb_ != nullptr)
    tcp_output(pcb_);
  return total;
}

std::size_t tcp_connection::unacked() const noexcept {
  if (pcb_ == nullptr)
    return 0;
  return TCP_SND_BUF - pcb_->snd_buf;
}

void tcp_connection::shutdown_write() {
  if (pcb_ == nullptr || write_shut_)
    return;
  write_shut_ = true;
  tcp_shutdown(pcb_, 0, 1);
}

void tcp_connection::close() {
  if (pcb_ == nullptr)
    return;
  detach();
  // tcp_close answers unread data with RST (tcp_close_shutdown's rst_on_unacked_data); reopen
  // the window first so that a close is a FIN after the queued data.
  reopen_window(pcb_, rx_bytes_);
  if (tcp_close(pcb_) != ERR_OK)
    tcp_abort(pcb_);
  pcb_ = nullptr;
  state_ = state::closed;
}

void tcp_connection::abort() {
  if (pcb_ == nullptr)
    return;
  if (in_callback_ > 0) {
    // Inside an lwIP callback the pcb may only be aborted by returning ERR_ABRT from it.
    abort_requested_ = true;
    return;
  }
  detach();
  tcp_abort(pcb_);
  pcb_ = nullptr;
  state_ = state::closed;
}

bool tcp_connection::take_abort_request() noexcept {
  if (!abort_requested_ || pcb_ == nullptr)
    return false;
  abort_requested_ = false;
  detach();
  tcp_abort(pcb_);
  pcb_ = nullptr;
  state_ = state::closed;
  return true;
}

endpoint_address tcp_connection::local() const {
  if (pcb_ == nullptr)
    return local_;
  return {detail::from_lwip(pcb_->local_ip), pcb_->local_port};
}

endpoint_address tcp_connection::remote() const {
  if (pcb_ == nullptr)
    return remote_;
  return {detail::from_lwip(pcb_->remote_ip), pcb_->remote_port};
}

void tcp_connection::remember_addresses() {
  if (pcb_ == nullptr)
    return;
  local_ = {detail::from_lwip(pcb_->local_ip), pcb_->local_port};
  remote_ = {detail::from_lwip(pcb_->remote_ip), pcb_->remote_port};
}

void tcp_connection::on_lwip_connected() {
  state_ = state::established;
  remember_addresses();
  ++in_callback_;
  if (handler_)
    handler_->on_connected(*this);
  --in_callback_;
}

bool tcp_connection::defer(std::uint8_t bits) {
  if (!owner_.batching())
    return false;
  if (deferred_ == 0)
    owner_.defer(this);
  deferred_ |= bits;
  return true;
}

void tcp_connection::flush_deferred() {
  auto bits = deferred_;
  deferred_ = 0;
  // Outside lwIP's callbacks now: a handler may abort() directly.
  if ((bits & ev_writable) && handler_)
    handler_->on_writable(*this);
  if ((bits & ev_readable) && handler_)
    handler_->on_readable(*this);
  if ((bits & ev_closed) && handler_)
    handler_->on_remote_closed(*this);
  // The batch's one ACK, unless data or a window update (tcp_recved) already carried it.
  if ((bits & ev_ack) && pcb_ != nullptr && (pcb_->flags & (TF_ACK_DELAY | TF_ACK_NOW)) != 0) {
    tcp_set_flags(pcb_, TF_ACK_NOW);
    tcp_output(pcb_);
  }
}

void tcp_connection::on_lwip_recv(::pbuf* p) {
  if (p != nullptr) {
    rx_.push_back(p); // kept as separate chains: pbuf tot_len is 16-bit
    rx_bytes_ += p->tot_len;
  } else {
    remote_closed_ = true;
  }
  std::uint8_t bits = p != nullptr ? ev_readable | ev_ack : ev_closed;
  if (p != nullptr && pcb_ != nullptr && (pcb_->flags & TF_ACK_NOW) != 0 && owner_.batching()) {
    // lwIP asks for an ACK every second segment (tcp_ack()); within a batch, hold it as a
    // delayed ACK (tcp_input's closing tcp_output then sends none): the end of the batch
    // acknowledges everything the batch brought, at once (also a segment that filled a gap,
    // which lwIP alone would leave to its 250 ms delayed-ACK timer).
    tcp_clear_flags(pcb_, TF_ACK_NOW);
    tcp_set_flags(pcb_, TF_ACK_DELAY);
  }
  if (defer(bits))
    return;
  ++in_callback_;
  if (p == nullptr) {
    if (handler_)
      handler_->on_remote_closed(*this);
  } else {
    if (handler_)
      handler_->on_readable(*this);
  }
  --in_callback_;
}

void tcp_connection::on_lwip_sent() {
  if (defer(ev_writable))
    return;
  ++in_callback_;
  if (handler_)
    handler_->on_writable(*this);
  --in_callback_;
}

void tcp_connection::on_lwip_err(std::int8_t err) {
  // lwIP has already freed the pcb.
  pcb_ = nullptr;
  auto was = state_;
  state_ = state::closed;
  netstack_errc why = netstack_errc::aborted;
  if (err == ERR_RST)
    why = was == state::connecting ? netstack_errc::refused : netstack_errc::reset;
  else if (err == ERR_CLSD)
    why = netstack_errc::closed;
  else if (err == ERR_ABRT && was == state::connecting)
    why = netstack_errc::timeout; // SYN retransmissions exhausted
  if (handler_)
    handler_->on_error(*this, why);
}

// -- listener ---------------------------------------------------------------------------------

tcp_listener::tcp_listener(stack& owner, ::tcp_pcb* pcb,
                           std::function<void(std::unique_ptr<tcp_connection>)> on_accept)
  : owner_(owner)
  , pcb_(pcb)
  , on_accept_(std::move(on_accept)) {
  tcp_arg(pcb_, this);
  tcp_accept(pcb_, [](void* arg, struct tcp_pcb* newpcb, err_t err) -> err_t {
    if (arg == nullptr || newpcb == nullptr || err != ERR_OK)
      return ERR_VAL;
    static_cast<tcp_listener*>(arg)->on_lwip_accept(newpcb);
    return ERR_OK;
  });
}

tcp_listener::~tcp_listener() {
  tcp_arg(pcb_, nullptr);
  tcp_accept(pcb_, nullptr);
  tcp_close(pcb_);
}

std::uint16_t tcp_listener::port() const noexcept {
  return pcb_->local_port;
}

void tcp_listener::on_lwip_accept(::tcp_pcb* newpcb) {
  tcp_backlog_accepted(newpcb);
  tcp_nagle_disable(newpcb);
  auto conn
    = std::make_unique<tcp_connection>(owner_, newpcb, nullptr, tcp_connection::state::established);
  conn->remember_addresses();
  on_accept_(std::move(conn));
}

} // namespace tsnode::netstack
