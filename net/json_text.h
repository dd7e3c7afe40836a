// JSON string literals, shared by everything that writes JSON by hand: Okta request bodies
// (pipeline), JWT headers and claims (net), okta-mock's responses. Pure; no allocation beyond
// `out`'s growth.
#pragma once
#include <string>
#include <string_view>

namespace okta_bulk {

// Appends `s` as a JSON string literal (with quotes), escaped per RFC 8259.
// REQUIRES: `s` is valid UTF-8.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace okta_bulk
