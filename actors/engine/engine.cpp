#include "actors/engine/engine.hpp"

namespace tsnode::engine {

engine::engine()
  : guard_(asio::make_work_guard(io_)) {
  // nop
}

engine::~engine() {
  stop();
}

void engine::start() {
  thread_ = std::thread([this] { io_.run(); });
}

void engine::stop() {
  guard_.reset();
  io_.stop();
  if (thread_.joinable())
    thread_.join();
}

} // namespace tsnode::engine
