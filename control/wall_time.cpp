#include "control/wall_time.hpp"

#include <cstdio>

namespace tsnode::control {

namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size())
    return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

} // namespace

std::optional<wall_time> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-'
      || !digits(s, 8, 2, d) || s[10] != 'T' || !digits(s, 11, 2, h) || s[13] != ':'
      || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59)
    return std::nullopt;
  std::size_t pos = 19;
  long long millis = 0;
  if (s[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - start < 3)
        millis = millis * 10 + (s[pos] - '0');
      ++pos;
    }
    auto n = pos - start;
    if (n == 0 || n > 9)
      return std::nullopt;
    for (auto i = n; i < 3; ++i)
      millis *= 10;
  }
  if (pos >= s.size())
    return std::nullopt;
  minutes offset{0};
  if (s[pos] == 'Z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':'
        || !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = minutes{oh * 60 + om};
    if (s[pos] == '-')
      offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size())
    return std::nullopt;
  auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{millis} - offset;
  return time_point_cast<milliseconds>(t);
}

std::string format_rfc3339(wall_time t) {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(t);
  year_month_day ymd{days};
  hh_mm_ss<milliseconds> tod{t - days};
  char buf[40];
  int n
    = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                    static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                    static_cast<int>(tod.seconds().count()));
  std::string out(buf, static_cast<std::size_t>(n));
  if (auto ms = tod.subseconds().count(); ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms));
    out += buf;
  }
  out += 'Z';
  return out;
}

} // namespace tsnode::control
