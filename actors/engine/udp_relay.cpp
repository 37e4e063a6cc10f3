#include "actors/engine/udp_relay.hpp"

#include <system_error>

namespace tsnode::engine {

namespace {

proxy::ip_address to_proxy(const asio::ip::address& a) {
  if (a.is_v4())
    return proxy::ip_address::v4(a.to_v4().to_bytes());
  return proxy::ip_address::v6(a.to_v6().to_bytes()).unmapped();
}

proxy::ip_address to_proxy(const netstack::ip_address& a) {
  if (!a.v6)
    return proxy::ip_address::v4(a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]);
  return proxy::ip_address::v6(a.bytes);
}

asio::ip::address to_asio(const proxy::ip_address& a) {
  auto b = a.bytes();
  if (a.is_v4())
    return asio::ip::address_v4{{b[0], b[1], b[2], b[3]}};
  asio::ip::address_v6::bytes_type v6;
  std::copy(b.begin(), b.end(), v6.begin());
  return asio::ip::address_v6{v6};
}

netstack::ip_address to_net(const proxy::ip_address& a) {
  netstack::ip_address out;
  out.v6 = !a.is_v4();
  auto b = a.bytes();
  std::copy(b.begin(), b.end(), out.bytes.begin());
  return out;
}

} // namespace

udp_relay::udp_relay(asio::io_context& io, overlay& net, const proxy::ip_address& client,
                     std::uint16_t requested_port, std::size_t max_payload)
  : io_(io)
  , net_(net)
  , assoc_(client, requested_port, max_payload)
  , host_(io) {
  // The relay listens where the client is: loopback only, never beyond the host.
  auto ip = client.is_v4() ? asio::ip::address{asio::ip::address_v4::loopback()}
                           : asio::ip::address{asio::ip::address_v6::loopback()};
  host_.open(ip.is_v4() ? asio::ip::udp::v4() : asio::ip::udp::v6());
  host_.bind({ip, 0});
  netstack::netstack_errc err{};
  overlay_sock_ = net_.stack().udp_bind(0, err);
  if (!overlay_sock_)
    throw std::system_error(std::make_error_code(std::errc::address_in_use),
                            "overlay UDP socket: " + std::string{netstack::to_string(err)});
}

udp_relay::~udp_relay() {
  stop();
}

void udp_relay::start() {
  overlay_sock_->on_receive([self = weak_from_this()](const netstack::endpoint_address& from,
                                                      std::span<const std::uint8_t> payload) {
    auto s = self.lock();
    if (!s || s->stopped_)
      return;
    auto wrapped = s->assoc_.on_overlay_datagram(to_proxy(from.ip), from.port, payload);
    auto port = s->assoc_.filter().client_port();
    if (!wrapped || !port) {
      ++s->stats_.dropped;
      return;
    }
    asio::error_code ec;
    s->host_.send_to(asio::buffer(*wrapped),
                     asio::ip::udp::endpoint{to_asio(s->assoc_.filter().client()), *port}, 0, ec);
    if (ec)
      ++s->stats_.dropped;
    else
      ++s->stats_.to_client;
  });
  receive_from_client();
}

void udp_relay::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  asio::error_code ec;
  host_.close(ec);
  if (overlay_sock_)
    overlay_sock_->on_receive({});
  overlay_sock_.reset();
}

proxy::ip_address udp_relay::address() const {
  asio::error_code ec;
  return to_proxy(host_.local_endpoint(ec).address());
}

std::uint16_t udp_relay::port() const {
  asio::error_code ec;
  return host_.local_endpoint(ec).port();
}

void udp_relay::receive_from_client() {
  host_.async_receive_from(
    asio::buffer(buf_), from_,
    [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
      if (ec || self->stopped_)
        return;
      auto r = self->assoc_.on_client_datagram(to_proxy(self->from_.address()), self->from_.port(),
                                               {self->buf_.data(), n});
      auto* d = std::get_if<proxy::udp_datagram>(&r);
      // Only IP destinations inside the overlay: names are not resolved on this path, and an
      // address no peer covers is never sent anywhere (fail closed).
      if (d == nullptr || !d->dst.ip || !self->net_.has_route(to_net(*d->dst.ip))) {
        ++self->stats_.dropped;
      } else {
        netstack::netstack_errc err{};
        if (self->overlay_sock_->send_to({to_net(*d->dst.ip), d->dst.port}, d->data, err))
          ++self->stats_.to_overlay;
        else
          ++self->stats_.dropped;
        self->net_.kick();
      }
      self->receive_from_client();
    });
}

} // namespace tsnode::engine
