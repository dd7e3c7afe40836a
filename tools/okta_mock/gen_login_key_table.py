#!/usr/bin/env python3
"""Prints the body of kLatinKeys in mock_login_key.cc, from the Unicode Character Database.

okta-mock's login key is written from the contract (okta-api-contract.md §2: uniqueness
ignores case and diacritics), not from the client's fold. This script turns those two words
into a table for U+00C0..U+017F using Python's unicodedata, an independent source:
  case       = Unicode full case folding (str.casefold): "ß" -> "ss", "ſ" -> "s", "İ" -> "i̇"
  diacritics = the combining marks left after canonical decomposition (NFD) are dropped,
               and so are the overlaid ones Unicode does not decompose (the stroke of Ø Ł Đ
               Ħ Ŧ, the middle dot of Ŀ).
Ligatures and letters of their own (Æ Œ Ĳ Þ Ð Ŋ ĸ ı) are neither case nor a diacritic; the
contract is silent on them, so they only lose their case.
Run: python3 tools/okta_mock/gen_login_key_table.py  (prints C++; paste into the .cc)
"""
import unicodedata

OVERLAID = {'Ø': 'o', 'ø': 'o', 'Ł': 'l', 'ł': 'l', 'Đ': 'd', 'đ': 'd',
            'Ħ': 'h', 'ħ': 'h', 'Ŧ': 't', 'ŧ': 't', 'Ŀ': 'l', 'ŀ': 'l'}


def key(ch):
    if ch in OVERLAID:
        return OVERLAID[ch]
    decomposed = unicodedata.normalize('NFD', ch.casefold())
    return ''.join(c for c in decomposed if not unicodedata.combining(c))


for cp in range(0xC0, 0x180):
    ch = chr(cp)
    literal = '"' + key(ch) + '",'
    print(f'    {literal:<8}// U+{cp:04X} {ch} {unicodedata.name(ch)}')
