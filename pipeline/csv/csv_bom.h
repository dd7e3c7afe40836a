// The UTF-8 byte order mark, which the tokenizer (csv_reader.cc) and delimiter detection
// (csv_detect.cc) both skip at the start of input. Internal to pipeline/csv.
#pragma once

namespace okta_bulk {

inline constexpr char kBom[3] = {'\xEF', '\xBB', '\xBF'};

}  // namespace okta_bulk
