#ifdef _WIN32  // MinGW-w64 declares gmtime_r and localtime_r only when asked (time.h)
#define _POSIX_THREAD_SAFE_FUNCTIONS 200112L
#endif
#include "tools/okta_mock/mock_time.h"

#include <chrono>
#include <cstdint>
#include <ctime>

namespace okta_bulk::mock {
namespace {

using std::chrono::milliseconds;

// Time formatting, cached per second (the hot path formats the same second many times).
struct TimeCache {
  int64_t http_sec = INT64_MIN;
  std::string http;
  int64_t iso_sec = INT64_MIN;
  char iso[32] = {};
};
TimeCache& Cache() {
  static thread_local TimeCache cache;
  return cache;
}

}  // namespace

std::string HttpDate(TimePoint t) {
  int64_t sec = EpochSeconds(t);
  TimeCache& c = Cache();
  if (sec != c.http_sec) {
    std::time_t tt = static_cast<std::time_t>(sec);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    c.http = buf;
    c.http_sec = sec;
  }
  return c.http;
}

void AppendIsoMillis(std::string& out, TimePoint t) {
  auto ms_total = std::chrono::floor<milliseconds>(t.time_since_epoch()).count();
  int64_t sec = ms_total >= 0 ? ms_total / 1000 : (ms_total - 999) / 1000;
  int ms = static_cast<int>(ms_total - sec * 1000);
  TimeCache& c = Cache();
  if (sec != c.iso_sec) {
    std::time_t tt = static_cast<std::time_t>(sec);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    std::strftime(c.iso, sizeof c.iso, "%Y-%m-%dT%H:%M:%S", &tm);
    c.iso_sec = sec;
  }
  out += c.iso;
  const char tail[] = {'.', static_cast<char>('0' + ms / 100), static_cast<char>('0' + ms / 10 % 10),
                       static_cast<char>('0' + ms % 10), 'Z'};
  out.append(tail, sizeof tail);
}

std::string IsoMillis(TimePoint t) {
  std::string out;
  out.reserve(24);
  AppendIsoMillis(out, t);
  return out;
}

}  // namespace okta_bulk::mock
