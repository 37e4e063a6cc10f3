#include "control/errors.hpp"

namespace tsnode::control {

std::string_view to_string(control_errc x) noexcept {
  switch (x) {
    case control_errc::bad_server_key:
      return "bad_server_key";
    case control_errc::bad_handshake_message:
      return "bad_handshake_message";
    case control_errc::handshake_failed:
      return "handshake_failed";
    case control_errc::server_error:
      return "server_error";
    case control_errc::finished:
      return "finished";
    case control_errc::record_too_large:
      return "record_too_large";
    case control_errc::unexpected_record_type:
      return "unexpected_record_type";
    case control_errc::bad_record:
      return "bad_record";
    case control_errc::counter_exhausted:
      return "counter_exhausted";
    case control_errc::direction_dead:
      return "direction_dead";
    case control_errc::early_payload_too_large:
      return "early_payload_too_large";
    case control_errc::bad_early_payload:
      return "bad_early_payload";
    case control_errc::http2_init_failed:
      return "http2_init_failed";
    case control_errc::http2_protocol:
      return "http2_protocol";
    case control_errc::http2_submit:
      return "http2_submit";
    case control_errc::http2_closed:
      return "http2_closed";
    case control_errc::map_message_too_large:
      return "map_message_too_large";
    case control_errc::empty_map_message:
      return "empty_map_message";
    case control_errc::bad_zstd:
      return "bad_zstd";
    case control_errc::bad_json:
      return "bad_json";
    case control_errc::bad_field:
      return "bad_field";
    case control_errc::bad_key:
      return "bad_key";
    case control_errc::missing_self_node:
      return "missing_self_node";
    case control_errc::zero_disco_key:
      return "zero_disco_key";
    case control_errc::registration_error:
      return "registration_error";
    case control_errc::upgrade_refused:
      return "upgrade_refused";
    case control_errc::bad_upgrade_response:
      return "bad_upgrade_response";
  }
  return "unknown";
}

std::string to_string(const control_error& x) {
  std::string out{to_string(x.code)};
  if (!x.detail.empty()) {
    out += ": ";
    out += x.detail;
  }
  return out;
}

} // namespace tsnode::control
