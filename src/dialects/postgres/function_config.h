// PostgreSQL dialect, internal: a function's SET clauses (pg_proc.proconfig)
// in one canonical form, so that two functions that set the same values
// compare equal however the clauses were written: `SET work_mem = '1MB'` and
// `SET work_mem = 1024` (kB), `SET jit = off` and `SET jit = false`, and the
// clauses in any order. No database code: the server's catalog tells the type
// and unit of each setting (pg_settings), this file does the arithmetic.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace keel::pg {

// What pg_settings says about one setting.
struct SettingType {
  std::string name;     // the server's spelling ("TimeZone", "work_mem")
  std::string vartype;  // bool, integer, real, enum, string
  std::string unit;     // base unit of integer/real ones: "kB", "8kB", "ms", "s", ""
};

// `entries` are "name=value" as the server stores them; `types` is keyed by
// lower-case name. Returns the entries sorted by name, each name in the
// server's spelling, each value normalised by type: bool as on/off, enum in
// lower case, numbers with units in the largest unit that keeps them whole
// ("1MB", "90s", "1500ms"), strings as stored. A setting the catalog does not
// know (a custom "myapp.x") or a value that does not parse is kept as stored.
std::vector<std::string> canonical_function_config(const std::vector<std::string>& entries,
                                                   const std::map<std::string, SettingType>& types);

}  // namespace keel::pg
