// Numbers in sentences for people: thousands separators, and a noun that agrees with its
// count ("1 request", "1,234 requests"). Pure; any thread. In engine/, the lowest room whose
// sentences need it (job summaries; jobs/ and report/ above use it too).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace okta_bulk {

// "12,345" with thousands separators.
std::string GroupDigits(uint64_t n);

// `n` with thousands separators, a space and `one` when n is 1, `many` otherwise:
// Count(1, "request", "requests") == "1 request", Count(1234, "row was", "rows were") ==
// "1,234 rows were".
std::string Count(uint64_t n, std::string_view one, std::string_view many);

}  // namespace okta_bulk
