// The key under which okta-mock compares logins for uniqueness, written from the contract
// (okta-api-contract.md §2: "Uniqueness ignores case and diacritics: `Isaac.Brock@…`,
// `isaac.brock@…` and `isáàc.bröck@…` collide"), on its own: okta-mock is the tests' oracle,
// so it must not share this rule with the client's duplicate scan (pipeline/rows/login_fold).
#pragma once
#include <string>
#include <string_view>

namespace okta_bulk::mock {

// Returns the uniqueness key of `login` (UTF-8). Two logins collide in the mock tenant iff
// their keys are equal. Pure function; any thread.
//
// Covered: ASCII and the letters of Latin-1 Supplement and Latin Extended-A (U+00C0-U+017F),
// through a table derived from the Unicode Character Database (gen_login_key_table.py):
//  - case: Unicode full case folding, so "A"->"a", "ß"->"ss" (upper case "SS"), "ſ"->"s";
//  - diacritics: combining marks of the canonical decomposition are dropped ("á"->"a",
//    "İ"->"i", "ŉ"->"ʼn"), and so are the overlaid stroke, bar and middle dot Unicode does not
//    decompose ("Ø"->"o", "Ł"->"l", "Đ"->"d", "Ħ"->"h", "Ŧ"->"t", "Ŀ"->"l").
// Ligatures and letters of their own (Æ Œ Ĳ Þ Ð Ŋ ĸ ı) are neither case nor diacritic; the
// contract is silent on them, so they only lose their case ("Æ"->"æ").
// Everything else (symbols such as "×", other scripts, malformed bytes) is copied unchanged.
std::string LoginKey(std::string_view login);

}  // namespace okta_bulk::mock
