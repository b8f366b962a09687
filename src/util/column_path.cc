#include "util/column_path.h"

namespace keel {

ColumnPath split_column_path(const std::string& path, const std::string& default_schema) {
  size_t last = path.rfind('.');
  std::string head = last == std::string::npos ? std::string() : path.substr(0, last);
  ColumnPath out;
  out.column = last == std::string::npos ? path : path.substr(last + 1);
  size_t first = head.find('.');
  if (first == std::string::npos) {
    out.schema = default_schema;
    out.table = head;
  } else {
    out.schema = head.substr(0, first);
    out.table = head.substr(first + 1);
  }
  return out;
}

}  // namespace keel
