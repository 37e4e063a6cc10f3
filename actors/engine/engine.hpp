#pragma once
/// @file
/// The engine: one io_context on one dedicated thread that owns every socket and lwIP
/// (caf-asio.md §0). Actors reach it only through post(); it answers only with caf::anon_send.

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <thread>

namespace tsnode::engine {

class engine {
public:
  engine();
  /// Stops and joins the thread.
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// Starts the thread. Call once.
  void start();
  /// Stops the loop and joins the thread; queued handlers are destroyed with the io_context.
  void stop();
  /// Runs `f` on the engine thread.
  template <class F>
  void post(F&& f) {
    asio::post(io_, std::forward<F>(f));
  }
  asio::io_context& io() noexcept { return io_; }
  /// Returns whether the caller runs on the engine thread.
  bool on_engine_thread() const noexcept { return std::this_thread::get_id() == thread_.get_id(); }

private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

} // namespace tsnode::engine
