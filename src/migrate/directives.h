// Directives at the top of a migration script ("-- keel:retries 5").
#pragma once

#include <string>
#include <string_view>

#include "keel/migrations.h"

namespace keel::migrate {

// Reads the directives of a script whose text starts on line `first_line` of
// `path`. Directives are comment lines before the first SQL line; a
// "-- keel:" line further down, an unknown directive, a repeated one or a bad
// value is a kConfig error with context "path:line" that lists the accepted
// directives.
Result<Directives> parse_directives(std::string_view sql, const std::string& path, int first_line);

// A Script of `sql`, which starts on line `first_line` of `path`, with its
// directives read.
Result<Script> make_script(const std::string& path, std::string sql, int first_line);

}  // namespace keel::migrate
