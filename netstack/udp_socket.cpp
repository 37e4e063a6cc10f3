#include "netstack/udp_socket.hpp"

#include <cstring>
#include <vector>

extern "C" {
#include "lwip/pbuf.h"
#include "lwip/udp.h"
}

#include "netstack/lwip_glue.hpp"

namespace tsnode::netstack {

udp_socket::udp_socket(stack& owner, ::udp_pcb* pcb)
  : owner_(owner)
  , pcb_(pcb) {
  udp_recv(
    pcb_,
    [](void* arg, struct udp_pcb*, struct pbuf* p, const ip_addr_t* addr, u16_t port) {
      auto* self = static_cast<udp_socket*>(arg);
      if (self != nullptr && p != nullptr) {
        endpoint_address from{detail::from_lwip(*addr), port};
        if (p->next == nullptr) {
          self->on_lwip_recv(from, {static_cast<const std::uint8_t*>(p->payload), p->len});
        } else {
          std::vector<std::uint8_t> buf(p->tot_len);
          pbuf_copy_partial(p, buf.data(), p->tot_len, 0);
          self->on_lwip_recv(from, buf);
        }
      }
      if (p != nullptr)
        pbuf_free(p);
    },
    this);
}

udp_socket::~udp_socket() {
  udp_recv(pcb_, nullptr, nullptr);
  udp_remove(pcb_);
}

bool udp_socket::send_to(const endpoint_address& to, std::span<const std::uint8_t> payload,
                         netstack_errc& err) {
  if (payload.size() > 0xFFFF - 8) {
    err = netstack_errc::out_of_memory;
    return false;
  }
  const ip_address* local = owner_.local_address(to.ip.v6);
  if (local == nullptr) {
    err = netstack_errc::bad_address;
    return false;
  }
  struct pbuf* p = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(payload.size()), PBUF_RAM);
  if (p == nullptr) {
    err = netstack_errc::out_of_memory;
    return false;
  }
  if (!payload.empty())
    std::memcpy(p->payload, payload.data(), payload.size());
  ip_addr_t dst = detail::to_lwip(to.ip);
  ip_addr_t src = detail::to_lwip(*local);
  err_t e = udp_sendto_if_src(pcb_, p, &dst, to.port, netif_default, &src);
  pbuf_free(p);
  if (e != ERR_OK) {
    err = e == ERR_RTE ? netstack_errc::no_route : netstack_errc::out_of_memory;
    return false;
  }
  return true;
}

std::uint16_t udp_socket::port() const noexcept {
  return pcb_->local_port;
}

void udp_socket::on_lwip_recv(const endpoint_address& from, std::span<const std::uint8_t> payload) {
  if (on_receive_)
    on_receive_(from, payload);
}

} // namespace tsnode::netstack
