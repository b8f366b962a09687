// PostgreSQL DDL: physical properties that ALTER sets in place, without a
// rewrite — a column's storage, compression, statistics target and options;
// a table's TOAST parameters, replica identity and cluster index.
// Each is written as the statements that go from one side to the other, so
// a created table and a changed one share them.
#include <algorithm>

#include "dialects/postgres/ddl/planner.h"

namespace keel::pg::ddl {
std::vector<std::string> option_statements(const std::string& alter, const std::string& old_text,
                                           const std::string& new_text, const std::string& prefix) {
  std::vector<std::string> olds = split_options(old_text), news = split_options(new_text);
  std::vector<std::string> set, reset;
  auto key = [](const std::string& kv) { return kv.substr(0, kv.find('=')); };
  for (const std::string& kv : news) {
    if (std::find(olds.begin(), olds.end(), kv) == olds.end()) set.push_back(prefix + kv);
  }
  for (const std::string& kv : olds) {
    bool kept = std::any_of(news.begin(), news.end(),
                            [&](const std::string& n) { return key(n) == key(kv); });
    if (!kept) reset.push_back(prefix + key(kv));
  }
  std::vector<std::string> out;
  if (!set.empty()) out.push_back(alter + " SET (" + join(set, ", ") + ")");
  if (!reset.empty()) out.push_back(alter + " RESET (" + join(reset, ", ") + ")");
  return out;
}

std::vector<std::string> column_physical_statements(const std::string& alter,
                                                    const model::Column& from,
                                                    const model::Column& to) {
  std::vector<std::string> out;
  if (from.storage != to.storage) {
    // Back to the type's storage: PostgreSQL 15 has no SET STORAGE DEFAULT.
    const std::string& storage = to.storage.empty() ? from.default_storage : to.storage;
    if (!storage.empty()) out.push_back(alter + " SET STORAGE " + upper(storage));
  }
  if (from.compression != to.compression) {
    out.push_back(alter + " SET COMPRESSION " +
                  (to.compression.empty() ? std::string("DEFAULT") : to.compression));
  }
  if (from.statistics != to.statistics) {
    out.push_back(alter + " SET STATISTICS " + std::to_string(to.statistics));
  }
  for (std::string& sql : option_statements(alter, from.options, to.options, "")) {
    out.push_back(std::move(sql));
  }
  return out;
}

std::vector<std::string> table_physical_statements(const std::string& q, const model::Table& from,
                                                   const model::Table& to) {
  std::vector<std::string> out;
  std::string alter = "ALTER TABLE " + q;
  for (std::string& sql :
       option_statements(alter, from.toast_options, to.toast_options, "toast.")) {
    out.push_back(std::move(sql));
  }
  if (from.replica_identity != to.replica_identity) {
    const std::string& r = to.replica_identity;
    out.push_back(alter + " REPLICA IDENTITY " +
                  (r.empty()                 ? std::string("DEFAULT")
                   : r.starts_with("index ") ? "USING INDEX " + quote_identifier(r.substr(6))
                                             : upper(r)));
  }
  if (from.cluster_index != to.cluster_index) {
    out.push_back(to.cluster_index.empty()
                      ? alter + " SET WITHOUT CLUSTER"
                      : alter + " CLUSTER ON " + quote_identifier(to.cluster_index));
  }
  return out;
}

}  // namespace keel::pg::ddl
