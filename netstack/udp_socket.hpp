#pragma once
/// @file
/// An overlay UDP socket (for SOCKS5 UDP ASSOCIATE). Every call from the stack's thread.

#include <cstdint>
#include <functional>
#include <span>

#include "netstack/errors.hpp"
#include "netstack/stack.hpp"

struct udp_pcb;

namespace tsnode::netstack {

class udp_socket {
public:
  /// Receives each datagram; the span is valid only during the call.
  using receive_fn
    = std::function<void(const endpoint_address& from, std::span<const std::uint8_t> payload)>;

  udp_socket(stack& owner, ::udp_pcb* pcb);
  ~udp_socket();
  udp_socket(const udp_socket&) = delete;
  udp_socket& operator=(const udp_socket&) = delete;

  void on_receive(receive_fn f) { on_receive_ = std::move(f); }
  /// Sends one datagram to `to` from the node's address of the same family.
  /// Returns false (with `err`) when it could not be sent.
  bool send_to(const endpoint_address& to, std::span<const std::uint8_t> payload,
               netstack_errc& err);
  /// Returns the bound local port.
  std::uint16_t port() const noexcept;

  void on_lwip_recv(const endpoint_address& from, std::span<const std::uint8_t> payload);

private:
  stack& owner_;
  ::udp_pcb* pcb_;
  receive_fn on_receive_;
};

} // namespace tsnode::netstack
