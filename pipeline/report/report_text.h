// Text for people and parsers, shared by the summary JSON, the HTML report and its charts:
// repairing invalid UTF-8, HTML escaping and fixed-point numbers. Pure; thread-safe.
#pragma once
#include <string>
#include <string_view>

namespace okta_bulk {

// Valid UTF-8 for JSON: invalid bytes become U+FFFD.
std::string ValidUtf8(std::string_view s);

// `s` with &, <, >, " and ' as entities, and bytes that are not valid UTF-8 as U+FFFD.
std::string HtmlEscape(std::string_view s);

// `v` with exactly `decimals` digits after the point ("%.*f").
std::string FixedPoint(double v, int decimals);

}  // namespace okta_bulk
