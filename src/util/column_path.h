// "schema.table.column" paths of keel.toml's [[integrity.relations]].
#pragma once

#include <string>

namespace keel {

struct ColumnPath {
  std::string schema;
  std::string table;
  std::string column;
};

// "s.t.c" or "t.c" (schema `default_schema`). REQUIRES: one or two dots, no
// empty part (keel.toml's parser checks).
ColumnPath split_column_path(const std::string& path, const std::string& default_schema);

}  // namespace keel
