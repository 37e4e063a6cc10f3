#include "actors/engine/node_core.hpp"

namespace tsnode::engine {

node_core::node_core(asio::io_context& io, node_core_config cfg, dataplane::event_fn events) {
  netstack::stack_config sc{std::move(cfg.addresses),
                            static_cast<std::uint16_t>(cfg.wireguard.mtu)};
  overlay_ = std::make_unique<overlay>(
    io, std::move(sc),
    [this](std::span<const std::uint8_t> p) {
      if (dataplane_)
        dataplane_->send(p);
    },
    [this](const netstack::ip_address& a) { return dataplane_ && dataplane_->has_route(a); });
  // One receive batch (recvmmsg) is one input batch of the stack: one host write and at most
  // one ACK per connection per batch (design.md "The data path").
  dataplane_ = std::make_unique<dataplane>(
    io, std::move(cfg.wireguard),
    [this](std::span<const std::uint8_t> p) { overlay_->input_batched(p); }, std::move(events),
    [this] { overlay_->end_batch(); });
}

node_core::~node_core() {
  // The overlay's last packets (RSTs of aborted splices) still go through the data plane.
  overlay_.reset();
  dataplane_.reset();
}

void node_core::start() {
  dataplane_->start();
}

} // namespace tsnode::engine
