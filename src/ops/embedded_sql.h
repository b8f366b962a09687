// keel: the SQL written inside an operation file's `sql` operations, as scripts with their
// lines in the file, so `keel lint` checks it like any migration script (no database code).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "keel/error.h"
#include "keel/migrations.h"

namespace keel::ops {

struct EmbeddedSql {
  migrate::Script up;
  std::optional<migrate::Script> down;
};

// Parses the operation file (errors as parse_operations gives them) and returns, for each `sql`
// operation in order, its `up` and `down` as scripts. A script's first_line is the line its
// text starts on: the line after `up: |` / `up: >` (YAML block scalars), else the field's
// line (a JSON or quoted string written on one line with \n escapes maps every statement to
// that line).
Result<std::vector<EmbeddedSql>> embedded_sql(const std::string& path, std::string_view text);

}  // namespace keel::ops
