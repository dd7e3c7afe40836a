#include "pipeline/engine/count_text.h"

namespace okta_bulk {

std::string GroupDigits(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Count(uint64_t n, std::string_view one, std::string_view many) {
  std::string out = GroupDigits(n);
  out += ' ';
  out += n == 1 ? one : many;
  return out;
}

}  // namespace okta_bulk
