// okta-mock's time formats: the HTTP Date header and Okta's ISO timestamps. Each thread
// keeps its own one-second cache.
#pragma once
#include <string>

#include "tools/okta_mock/rate_windows.h"

namespace okta_bulk::mock {

// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate), floored to the second.
std::string HttpDate(TimePoint t);
// "2026-11-29T10:58:46.123Z".
std::string IsoMillis(TimePoint t);
// Appends IsoMillis(t) to `out` without a temporary string (a create's answer holds four).
void AppendIsoMillis(std::string& out, TimePoint t);

}  // namespace okta_bulk::mock
