#include "netstack/stack.hpp"

#include <cstring>
#include <stdexcept>

extern "C" {
#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
}

#include "netstack/lwip_glue.hpp"
#include "netstack/tcp_connection.hpp"
#include "netstack/udp_socket.hpp"

namespace tsnode::netstack {

namespace {

bool stack_exists = false;
bool lwip_initialised = false;

err_t output_any(struct netif* n, struct pbuf* p) {
  auto* s = static_cast<stack*>(n->state);
  if (p->next == nullptr) {
    s->on_output({static_cast<const std::uint8_t*>(p->payload), p->len});
  } else {
    // LWIP_NETIF_TX_SINGLE_PBUF makes this rare; copy a chain into one buffer.
    thread_local std::vector<std::uint8_t> buf;
    buf.resize(p->tot_len);
    pbuf_copy_partial(p, buf.data(), p->tot_len, 0);
    s->on_output(buf);
  }
  return ERR_OK;
}

err_t output_v4(struct netif* n, struct pbuf* p, const ip4_addr_t*) {
  return output_any(n, p);
}

err_t output_v6(struct netif* n, struct pbuf* p, const ip6_addr_t*) {
  return output_any(n, p);
}

err_t netif_setup(struct netif* n) {
  // A pure IP interface: no link layer, no ARP, no neighbour discovery.
  n->name[0] = 't';
  n->name[1] = 's';
  n->output = output_v4;
  n->output_ip6 = output_v6;
  n->flags = 0;
  return ERR_OK;
}

/// Frees every pcb lwIP still holds (e.g. TIME_WAIT), so a later stack starts clean.
void abandon_all_pcbs() {
  for (auto* list : {&tcp_active_pcbs, &tcp_tw_pcbs}) {
    while (*list != nullptr)
      tcp_abort(*list);
  }
  while (tcp_listen_pcbs.listen_pcbs != nullptr)
    tcp_close(reinterpret_cast<tcp_pcb*>(tcp_listen_pcbs.listen_pcbs));
  while (udp_pcbs != nullptr)
    udp_remove(udp_pcbs);
}

} // namespace

stack::stack(stack_config cfg, output_fn out, wake_fn wake)
  : cfg_(std::move(cfg))
  , out_(std::move(out))
  , wake_(std::move(wake)) {
  if (stack_exists)
    throw std::logic_error("netstack::stack: lwIP allows one stack per process");
  stack_exists = true;
  if (!lwip_initialised) {
    // lwip_init also registers lwIP's cyclic timers, which must not be registered twice.
    lwip_init();
    lwip_initialised = true;
  }
  netif_ = std::make_unique<::netif>();
  std::memset(netif_.get(), 0, sizeof(::netif));
  ip4_addr_t addr4 = {}, mask4 = {}, gw4 = {};
  for (auto& p : cfg_.addresses) {
    if (!p.address.v6 && local_v4_.empty()) {
      local_v4_.push_back(p.address);
      std::memcpy(&addr4.addr, p.address.bytes.data(), 4);
      std::uint32_t m = p.length == 0 ? 0 : ~std::uint32_t{0} << (32 - p.length);
      mask4.addr = lwip_htonl(m);
    }
  }
  netif_add(netif_.get(), &addr4, &mask4, &gw4, this, netif_setup, ip_input);
  netif_->mtu = cfg_.mtu;
  netif_->mtu6 = cfg_.mtu;
  for (auto& p : cfg_.addresses) {
    if (!p.address.v6 || local_v6_.size() >= LWIP_IPV6_NUM_ADDRESSES)
      continue;
    ip6_addr_t a6;
    std::memcpy(a6.addr, p.address.bytes.data(), 16);
    ip6_addr_clear_zone(&a6);
    s8_t idx = -1;
    if (netif_add_ip6_address(netif_.get(), &a6, &idx) == ERR_OK && idx >= 0) {
      netif_ip6_addr_set_state(netif_.get(), idx, IP6_ADDR_PREFERRED);
      local_v6_.push_back(p.address);
    }
  }
  netif_set_default(netif_.get());
  netif_set_link_up(netif_.get());
  netif_set_up(netif_.get());
}

stack::~stack() {
  abandon_all_pcbs();
  netif_remove(netif_.get());
  stack_exists = false;
}

void stack::input(std::span<const std::uint8_t> packet) {
  ++stats_.packets_in;
  stats_.bytes_in += packet.size();
  if (packet.empty() || packet.size() > 0xFFFF) {
    ++stats_.dropped_in;
    return;
  }
  auto len = static_cast<u16_t>(packet.size());
  struct pbuf* p = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);
  if (p == nullptr) {
    ++stats_.dropped_in;
    return;
  }
  std::memcpy(p->payload, packet.data(), len);
  if (netif_->input(p, netif_.get()) != ERR_OK)
    pbuf_free(p);
  drain_loopback();
}

void stack::end_batch() {
  batching_ = false;
  // Index loop: an event may queue more (a handler's write is output, not input, so it does
  // not), and forget() nulls entries instead of erasing them.
  for (std::size_t i = 0; i < deferred_.size(); ++i)
    if (auto* c = deferred_[i])
      c->flush_deferred();
  deferred_.clear();
}

void stack::forget(tcp_connection* c) noexcept {
  for (auto& d : deferred_)
    if (d == c)
      d = nullptr;
}

void stack::poll() {
  sys_check_timeouts();
  drain_loopback();
}

std::uint32_t stack::next_poll_in_ms() const {
  if (!loopback_.empty())
    return 0;
  return sys_timeouts_sleeptime();
}

void stack::on_output(std::span<const std::uint8_t> packet) {
  if (is_local(packet)) {
    // Traffic to the node's own address never reaches the tunnel: loop it back, later, so
    // lwIP is not re-entered from inside its own output path.
    ++stats_.looped_back;
    bool was_empty = loopback_.empty();
    loopback_.emplace_back(packet.begin(), packet.end());
    if (was_empty && wake_)
      wake_();
    return;
  }
  ++stats_.packets_out;
  stats_.bytes_out += packet.size();
  out_(packet);
}

bool stack::is_local(std::span<const std::uint8_t> packet) const noexcept {
  if (packet.size() >= 20 && (packet[0] >> 4) == 4) {
    for (auto& a : local_v4_)
      if (std::memcmp(packet.data() + 16, a.bytes.data(), 4) == 0)
        return true;
  } else if (packet.size() >= 40 && (packet[0] >> 4) == 6) {
    for (auto& a : local_v6_)
      if (std::memcmp(packet.data() + 24, a.bytes.data(), 16) == 0)
        return true;
  }
  return false;
}

void stack::drain_loopback() {
  if (draining_)
    return;
  draining_ = true;
  while (!loopback_.empty()) {
    auto pkt = std::move(loopback_.front());
    loopback_.pop_front();
    auto len = static_cast<u16_t>(pkt.size());
    struct pbuf* p = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);
    if (p == nullptr)
      continue;
    std::memcpy(p->payload, pkt.data(), len);
    if (netif_->input(p, netif_.get()) != ERR_OK)
      pbuf_free(p);
  }
  draining_ = false;
}

const ip_address* stack::local_address(bool v6) const noexcept {
  auto& v = v6 ? local_v6_ : local_v4_;
  return v.empty() ? nullptr : &v.front();
}

std::unique_ptr<tcp_connection> stack::connect(const endpoint_address& to, tcp_handler& h,
                                               netstack_errc& err) {
  const ip_address* local = local_address(to.ip.v6);
  if (local == nullptr) {
    err = netstack_errc::bad_address;
    return nullptr;
  }
  struct tcp_pcb* pcb = tcp_new_ip_type(to.ip.v6 ? IPADDR_TYPE_V6 : IPADDR_TYPE_V4);
  if (pcb == nullptr) {
    err = netstack_errc::out_of_memory;
    return nullptr;
  }
  ip_addr_t local_ip = detail::to_lwip(*local);
  if (tcp_bind(pcb, &local_ip, 0) != ERR_OK) {
    tcp_abort(pcb);
    err = netstack_errc::in_use;
    return nullptr;
  }
  // A proxy forwards whatever the client wrote, as soon as it wrote it: no Nagle delay.
  tcp_nagle_disable(pcb);
  auto conn = std::make_unique<tcp_connection>(*this, pcb, &h, tcp_connection::state::connecting);
  ip_addr_t remote_ip = detail::to_lwip(to.ip);
  err_t e = tcp_connect(pcb, &remote_ip, to.port, [](void* arg, struct tcp_pcb*, err_t) -> err_t {
    auto* c = static_cast<tcp_connection*>(arg);
    if (c == nullptr)
      return ERR_OK;
    c->on_lwip_connected();
    if (c->take_abort_request())
      return ERR_ABRT;
    return ERR_OK;
  });
  if (e != ERR_OK) {
    conn->abort();
    err = e == ERR_RTE ? netstack_errc::no_route : netstack_errc::out_of_memory;
    return nullptr;
  }
  drain_loopback();
  return conn;
}

std::unique_ptr<tcp_listener>
stack::listen(std::uint16_t port, std::function<void(std::unique_ptr<tcp_connection>)> on_accept,
              netstack_errc& err) {
  struct tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
  if (pcb == nullptr) {
    err = netstack_errc::out_of_memory;
    return nullptr;
  }
  if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
    tcp_abort(pcb);
    err = netstack_errc::in_use;
    return nullptr;
  }
  struct tcp_pcb* lpcb = tcp_listen_with_backlog(pcb, 64);
  if (lpcb == nullptr) {
    tcp_abort(pcb);
    err = netstack_errc::out_of_memory;
    return nullptr;
  }
  return std::make_unique<tcp_listener>(*this, lpcb, std::move(on_accept));
}

std::unique_ptr<udp_socket> stack::udp_bind(std::uint16_t port, netstack_errc& err) {
  struct udp_pcb* pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
  if (pcb == nullptr) {
    err = netstack_errc::out_of_memory;
    return nullptr;
  }
  if (::udp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
    udp_remove(pcb);
    err = netstack_errc::in_use;
    return nullptr;
  }
  return std::make_unique<udp_socket>(*this, pcb);
}

} // namespace tsnode::netstack
