// The key under which Okta compares logins for uniqueness (contract §2: `Isaac.Brock@…`,
// `isaac.brock@…` and `isáàc.bröck@…` collide). Pure function; used by okta-mock for its
// uniqueness check and by the client for duplicate detection within a CSV.
#pragma once
#include <string>
#include <string_view>

namespace okta_bulk {

// Returns `utf8` lowercased (ASCII) with the letters of Latin-1 Supplement (U+00C0-U+00FF)
// and Latin Extended-A (U+0100-U+017F) folded to their base letters, upper and lower case
// alike: "Á"→"a", "ç"→"c", "Ø"→"o", "ł"→"l". Ligatures and special letters expand:
// "ß"→"ss", "Æ"→"ae", "Œ"→"oe", "Þ"→"th", "Ĳ"→"ij". Everything else (other scripts,
// symbols, malformed bytes) is copied unchanged, so the result is valid UTF-8 whenever the
// input is.
std::string FoldLogin(std::string_view utf8);

}  // namespace okta_bulk
