#include "control/upgrade.hpp"

#include <algorithm>
#include <cctype>

#include "crypto/base64.hpp"

namespace tsnode::control {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x))
                  == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace

std::string upgrade_request(std::string_view host, const byte_array<initiation_size>& initiation) {
  std::string out;
  out += "POST ";
  out += upgrade_path;
  out += " HTTP/1.1\r\nHost: ";
  out += host;
  out += "\r\nUser-Agent: tsnode\r\nUpgrade: ";
  out += upgrade_protocol;
  out += "\r\nConnection: upgrade\r\nX-Tailscale-Handshake: ";
  out += crypto::base64_encode(initiation);
  out += "\r\nContent-Length: 0\r\n\r\n";
  return out;
}

upgrade_step upgrade_response_reader::feed(byte_view bytes) {
  if (done_)
    return control_error{control_errc::finished, {}};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    head_.push_back(static_cast<char>(bytes[i]));
    auto n = head_.size();
    if (n >= 4 && head_.compare(n - 4, 4, "\r\n\r\n") == 0) {
      done_ = true;
      auto step = finish();
      if (auto* d = std::get_if<upgrade_done>(&step))
        d->consumed = i + 1;
      return step;
    }
    if (n > max_upgrade_head_size) {
      done_ = true;
      return control_error{control_errc::bad_upgrade_response, "head too large"};
    }
  }
  return upgrade_pending{};
}

upgrade_step upgrade_response_reader::finish() {
  std::string_view head{head_};
  auto eol = head.find("\r\n");
  auto status_line = head.substr(0, eol);
  // "HTTP/1.1 101 Switching Protocols"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' '
      || !std::isdigit(static_cast<unsigned char>(status_line[9]))
      || !std::isdigit(static_cast<unsigned char>(status_line[10]))
      || !std::isdigit(static_cast<unsigned char>(status_line[11]))
      || (status_line.size() > 12 && status_line[12] != ' '))
    return control_error{control_errc::bad_upgrade_response,
                         "status line: " + std::string{status_line.substr(0, 64)}};
  status_ = (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0');
  if (status_ != 101)
    return control_error{control_errc::upgrade_refused,
                         "HTTP " + std::string{status_line.substr(9, 64)}};
  // Go checks the Upgrade header's value after a 101 (controlhttp/client.go).
  bool upgraded = false;
  auto rest = head.substr(eol + 2);
  while (!rest.empty()) {
    auto end = rest.find("\r\n");
    auto line = rest.substr(0, end);
    rest = end == rest.npos ? std::string_view{} : rest.substr(end + 2);
    auto colon = line.find(':');
    if (colon == line.npos)
      continue;
    if (iequals(trim(line.substr(0, colon)), "Upgrade")
        && trim(line.substr(colon + 1)) == upgrade_protocol)
      upgraded = true;
  }
  if (!upgraded)
    return control_error{control_errc::upgrade_refused, "101 without the Upgrade header"};
  return upgrade_done{};
}

} // namespace tsnode::control
