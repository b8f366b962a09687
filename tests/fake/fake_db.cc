// The in-memory fake of the database roles; see fake_db.h.
#include "fake/fake_db.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace keel::fake {
namespace {

using std::chrono::milliseconds;

std::vector<std::string> words(const std::string& sql) {
  std::istringstream in(sql);
  std::vector<std::string> out;
  for (std::string w; in >> w;) {
    while (!w.empty() && (w.back() == ';' || w.back() == ',')) w.pop_back();
    out.push_back(w);
  }
  return out;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

bool starts(const std::vector<std::string>& w, std::initializer_list<const char*> prefix) {
  size_t i = 0;
  for (const char* p : prefix) {
    if (i >= w.size() || upper(w[i]) != p) return false;
    ++i;
  }
  return true;
}

Error sql_error(std::string message, std::string sqlstate, std::string context) {
  return Error{ErrorCode::kSql, std::move(message), std::move(context), std::move(sqlstate)};
}

// The table a statement names, if any ("t" of "INSERT INTO t", "CREATE TABLE t", ...).
std::optional<std::string> table_of(const std::string& sql) {
  const std::vector<std::string> w = words(sql);
  if ((starts(w, {"CREATE", "TABLE"}) || starts(w, {"DROP", "TABLE"}) ||
       starts(w, {"INSERT", "INTO"}) || starts(w, {"DELETE", "FROM"})) &&
      w.size() > 2) {
    return w[2];
  }
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    if (starts(w, {"CREATE", "INDEX"}) && upper(w[i]) == "ON") return w[i + 1];
  }
  return std::nullopt;
}

}  // namespace

int64_t FakeClock::elapsed_ms() const {
  return std::chrono::duration_cast<milliseconds>(now_.time_since_epoch()).count();
}

migrate::Clock FakeClock::clock() {
  migrate::Clock c;
  c.now = [this] { return now_; };
  c.sleep = [this](milliseconds d) {
    sleeps_.push_back(d);
    now_ += d;
  };
  return c;
}

std::set<std::string> FakeDatabase::tables() const {
  std::set<std::string> out;
  for (const auto& [name, indexes] : committed_.tables) out.insert(name);
  return out;
}

int64_t FakeDatabase::rows(const std::string& table) const {
  auto it = committed_.rows.find(table);
  return it == committed_.rows.end() ? 0 : it->second;
}

std::vector<migrate::HistoryRow> FakeDatabase::committed_history() const {
  std::vector<migrate::HistoryRow> out;
  for (const auto& [version, row] : committed_.history) out.push_back(row);
  return out;
}

std::optional<migrate::HistoryRow> FakeDatabase::committed_row(const std::string& version) const {
  for (const auto& [v, row] : committed_.history) {
    if (migrate::compare_versions(v, version) == 0) return row;
  }
  return std::nullopt;
}

bool FakeDatabase::refuses_transaction(const migrate::Statement& statement) const {
  const std::vector<std::string> w = words(statement.sql);
  return starts(w, {"CREATE", "INDEX", "CONCURRENTLY"}) ||
         starts(w, {"DROP", "INDEX", "CONCURRENTLY"}) || starts(w, {"VACUUM"});
}

bool FakeDatabase::changes_schema(const migrate::Statement& statement) const {
  const std::vector<std::string> w = words(statement.sql);
  return !(starts(w, {"INSERT"}) || starts(w, {"DELETE"}) || starts(w, {"UPDATE"}));
}

std::optional<std::string> FakeDatabase::in_transaction_equivalent(
    const migrate::Statement& statement) const {
  const std::vector<std::string> w = words(statement.sql);
  if (!starts(w, {"CREATE", "INDEX", "CONCURRENTLY"}) &&
      !starts(w, {"DROP", "INDEX", "CONCURRENTLY"})) {
    return std::nullopt;
  }
  std::string out;
  for (size_t i = 0; i < w.size(); ++i) {
    if (i == 2) continue;
    out += (out.empty() ? "" : " ") + w[i];
  }
  return out;
}

Result<void> FakeDatabase::alive() const {
  if (!lost_) return {};
  return std::unexpected(
      Error{ErrorCode::kConnection, "fake: no connection to the server", label_, "08006"});
}

Result<void> FakeDatabase::begin(const migrate::Timeouts& timeouts) {
  if (auto ok = alive(); !ok) return ok;
  if (tx_) return std::unexpected(sql_error("fake: a transaction is already open", "25001", ""));
  tx_ = committed_;
  tx_timeouts_ = timeouts;
  begun_with_.push_back(timeouts);
  return {};
}

Result<void> FakeDatabase::commit() {
  if (auto ok = alive(); !ok) return ok;
  if (!tx_) return std::unexpected(sql_error("fake: no transaction is open", "25P01", ""));
  committed_ = std::move(*tx_);
  tx_.reset();
  tx_timeouts_.reset();
  savepoints_.clear();
  ++commits_;
  return {};
}

void FakeDatabase::rollback() {
  tx_.reset();
  tx_timeouts_.reset();
  savepoints_.clear();
}

Result<void> FakeDatabase::savepoint(const std::string& name) {
  if (auto ok = alive(); !ok) return ok;
  if (!tx_) return std::unexpected(sql_error("fake: SAVEPOINT outside a transaction", "25P01", ""));
  savepoints_[name] = *tx_;
  return {};
}

Result<void> FakeDatabase::rollback_to(const std::string& name) {
  if (auto ok = alive(); !ok) return ok;
  auto it = savepoints_.find(name);
  if (!tx_ || it == savepoints_.end()) {
    return std::unexpected(sql_error("fake: no savepoint " + name, "3B001", ""));
  }
  *tx_ = it->second;
  return {};
}

Result<void> FakeDatabase::release(const std::string& name) {
  if (auto ok = alive(); !ok) return ok;
  if (savepoints_.erase(name) == 0) {
    return std::unexpected(sql_error("fake: no savepoint " + name, "3B001", ""));
  }
  return {};
}

Result<void> FakeDatabase::set_session_timeouts(const migrate::Timeouts& timeouts) {
  if (auto ok = alive(); !ok) return ok;
  session_timeouts_ = timeouts;
  return {};
}

Result<void> FakeDatabase::reset_session() { return alive(); }

Result<void> FakeDatabase::run(const std::string& sql, const std::string& context) {
  const std::vector<std::string> w = words(sql);
  State& s = state();
  last_rows_ = 0;
  auto need_table = [&](const std::string& t) -> Result<void> {
    if (s.tables.contains(t)) return {};
    return std::unexpected(
        sql_error(fmt::format("relation \"{}\" does not exist", t), "42P01", context));
  };
  if (starts(w, {"ERROR"})) {
    return std::unexpected(sql_error("fake: statement refused", "42601", context));
  }
  if (starts(w, {"CREATE", "TABLE", "IF", "NOT", "EXISTS"}) && w.size() > 5) {
    s.tables[w[5]];
    return {};
  }
  if (starts(w, {"DROP", "TABLE", "IF", "EXISTS"}) && w.size() > 4) {
    s.tables.erase(w[4]);
    s.rows.erase(w[4]);
    return {};
  }
  if (starts(w, {"CREATE", "TABLE"}) && w.size() > 2) {
    if (s.tables.contains(w[2])) {
      return std::unexpected(
          sql_error(fmt::format("relation \"{}\" already exists", w[2]), "42P07", context));
    }
    s.tables[w[2]];
    return {};
  }
  if (starts(w, {"DROP", "TABLE"}) && w.size() > 2) {
    if (auto ok = need_table(w[2]); !ok) return ok;
    s.tables.erase(w[2]);
    s.rows.erase(w[2]);
    return {};
  }
  if (starts(w, {"CREATE", "INDEX"})) {
    auto table = table_of(sql);
    const size_t name_at = starts(w, {"CREATE", "INDEX", "CONCURRENTLY"}) ? 3 : 2;
    if (!table || w.size() <= name_at) {
      return std::unexpected(sql_error("fake: CREATE INDEX needs a name and ON", "42601", context));
    }
    if (auto ok = need_table(*table); !ok) return ok;
    s.tables[*table].insert(w[name_at]);
    return {};
  }
  if (starts(w, {"DROP", "INDEX"})) {
    const size_t name_at = starts(w, {"DROP", "INDEX", "CONCURRENTLY"}) ? 3 : 2;
    for (auto& [table, indexes] : s.tables) {
      if (w.size() > name_at && indexes.erase(w[name_at]) > 0) return {};
    }
    return std::unexpected(sql_error("fake: no such index", "42704", context));
  }
  if (starts(w, {"INSERT", "INTO"}) && w.size() > 2) {
    if (auto ok = need_table(w[2]); !ok) return ok;
    ++s.rows[w[2]];
    last_rows_ = 1;
    return {};
  }
  if (starts(w, {"DELETE", "FROM"}) && w.size() > 2) {
    if (auto ok = need_table(w[2]); !ok) return ok;
    last_rows_ = s.rows[w[2]];
    s.rows[w[2]] = 0;
    return {};
  }
  return {};
}

Result<void> FakeDatabase::execute(const migrate::Statement& statement, const std::string& path) {
  const std::string context = fmt::format("{}:{}", path, statement.line);
  if (auto ok = alive(); !ok) return ok;
  ++execute_calls_;
  if (tx_ && refuses_transaction(statement)) {
    return std::unexpected(
        sql_error("fake: cannot run inside a transaction block", "25001", context));
  }
  if (lock_timeout_calls_.erase(execute_calls_) > 0) {
    return std::unexpected(sql_error("canceling statement due to lock timeout", "55P03", context));
  }
  if (auto it = lock_timeouts_.find(statement.sql); it != lock_timeouts_.end() && it->second > 0) {
    --it->second;
    return std::unexpected(sql_error("canceling statement due to lock timeout", "55P03", context));
  }
  if (auto it = slow_.find(statement.sql); it != slow_.end()) {
    const milliseconds limit =
        tx_timeouts_ ? tx_timeouts_->statement_timeout : session_timeouts_.statement_timeout;
    if (it->second > limit) {
      clock_.advance(limit);
      return std::unexpected(
          sql_error("canceling statement due to statement timeout", "57014", context));
    }
    clock_.advance(it->second);
  }
  if (auto ok = run(statement.sql, context); !ok) return ok;
  executed_.push_back(statement.sql);
  ++executed_ok_;
  if (lose_after_ && executed_ok_ >= *lose_after_) {
    // The statement ran; the connection drops before the next call. A
    // statement that ran outside a transaction stays committed.
    lose_after_.reset();
    lost_ = true;
    tx_.reset();
    savepoints_.clear();
  }
  return {};
}

Result<Manifest> FakeDatabase::schema() {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  Manifest m;
  m.dialect = "fake";
  model::Schema& pub = m.schema.schemas["public"];
  for (const auto& [name, indexes] : state().tables) {
    model::Table& t = pub.tables[name];
    t.kind = "table";
    t.persistence = "permanent";
    for (const std::string& index : indexes) t.indexes[index];
  }
  return m;
}

Result<void> FakeDatabase::lock(milliseconds wait) {
  if (auto ok = alive(); !ok) return ok;
  if (lock_held_elsewhere_) {
    clock_.advance(wait);
    return fail(ErrorCode::kConnection,
                fmt::format("another keel run holds the deploy lock (waited {} ms)", wait.count()),
                label_);
  }
  locked_ = true;
  return {};
}

Result<void> FakeDatabase::ensure_history() {
  if (auto ok = alive(); !ok) return ok;
  state().history_exists = true;
  return {};
}

Result<std::vector<migrate::HistoryRow>> FakeDatabase::history() {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  std::vector<migrate::HistoryRow> out;
  for (const auto& [version, row] : state().history) out.push_back(row);
  return out;
}

Result<void> FakeDatabase::record(const migrate::HistoryRow& row) {
  if (auto ok = alive(); !ok) return ok;
  State& s = state();
  if (!s.history_exists) {
    return std::unexpected(sql_error("relation \"schema_migrations\" does not exist", "42P01", ""));
  }
  migrate::HistoryRow stored = row;
  stored.applied_at = fmt::format("t+{}ms", clock_.elapsed_ms());
  auto it = s.history.find(row.version);
  // change_seq advances when the status changes, as the real stores do.
  if (it == s.history.end() || it->second.status != row.status) {
    stored.change_seq = ++change_seq_;
  } else {
    stored.change_seq = it->second.change_seq;
  }
  s.history[row.version] = stored;
  return {};
}

Result<void> FakeDatabase::save_snapshot(const std::string& hash, const std::string& canonical) {
  if (auto ok = alive(); !ok) return ok;
  state().snapshots[hash] = canonical;
  return {};
}

Result<std::optional<std::string>> FakeDatabase::load_snapshot(const std::string& hash) {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  auto it = state().snapshots.find(hash);
  if (it == state().snapshots.end()) return std::optional<std::string>{};
  return std::optional<std::string>{it->second};
}

Result<std::string> FakeDatabase::drop_invalid_index(const migrate::Statement& /*statement*/) {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  return std::string();  // the fake never leaves an index INVALID
}

Result<migrate::Recovery::DoneCheck> FakeDatabase::already_done(
    const migrate::Statement& statement) {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  const std::vector<std::string> w = words(statement.sql);
  if (starts(w, {"CREATE", "INDEX"})) {
    const size_t name_at = starts(w, {"CREATE", "INDEX", "CONCURRENTLY"}) ? 3 : 2;
    for (const auto& [table, indexes] : state().tables) {
      if (w.size() > name_at && indexes.contains(w[name_at])) {
        return DoneCheck{true, fmt::format("index {} exists on {}", w[name_at], table)};
      }
    }
  }
  return DoneCheck{};
}

namespace {

std::string column_list(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) out += (out.empty() ? "" : ", ") + c;
  return "(" + out + ")";
}

bool names(const migrate::IntegrityScope& scope, const std::string& schema,
           const std::string& table) {
  return std::find(scope.relations.begin(), scope.relations.end(), schema + "." + table) !=
         scope.relations.end();
}

}  // namespace

void FakeDatabase::add_foreign_key(const migrate::ForeignKeyRef& key, int64_t orphans) {
  foreign_keys_.emplace_back(key, false);
  counts_[foreign_key_sql(key)] = orphans;
}

void FakeDatabase::add_unvalidated_check(const migrate::CheckConstraintRef& check,
                                         int64_t violating) {
  unvalidated_checks_.emplace_back(check, false);
  counts_[check_constraint_sql(check)] = violating;
}

void FakeDatabase::integrity_finding(const std::string& kind, const std::string& name,
                                     int64_t count) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 3) parts = {"public", "t", name};
  if (kind == "foreign key") {
    migrate::ForeignKeyRef key{.schema = parts[0],
                               .table = parts[1],
                               .constraint = parts[2],
                               .columns = {"id"},
                               .parent_schema = parts[0],
                               .parent_table = parts[1],
                               .parent_columns = {"id"}};
    foreign_keys_.emplace_back(key, true);
    counts_[foreign_key_sql(key)] = count;
    return;
  }
  migrate::CheckConstraintRef check{parts[0], parts[1], parts[2], "false"};
  unvalidated_checks_.emplace_back(check, true);
  counts_[check_constraint_sql(check)] = count;
}

Result<migrate::IntegrityCatalog> FakeDatabase::integrity_catalog(
    const migrate::IntegrityScope& scope) {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  migrate::IntegrityCatalog out;
  for (const auto& [key, every_scope] : foreign_keys_) {
    if (every_scope || scope.whole || names(scope, key.schema, key.table) ||
        names(scope, key.parent_schema, key.parent_table)) {
      out.foreign_keys.push_back(key);
    }
  }
  for (const auto& [check, every_scope] : unvalidated_checks_) {
    if (every_scope || scope.whole || names(scope, check.schema, check.table)) {
      out.unvalidated_checks.push_back(check);
    }
  }
  return out;
}

Result<bool> FakeDatabase::table_exists(const std::string& schema, const std::string& table) {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  return schema == "public" && state().tables.contains(table);
}

std::string FakeDatabase::foreign_key_sql(const migrate::ForeignKeyRef& key) const {
  return "COUNT KEY " + relation_sql(key).substr(6);
}

std::string FakeDatabase::relation_sql(const migrate::ForeignKeyRef& relation) const {
  return fmt::format("COUNT ORPHANS {}.{} {} -> {}.{} {}", relation.schema, relation.table,
                     column_list(relation.columns), relation.parent_schema, relation.parent_table,
                     column_list(relation.parent_columns));
}

std::string FakeDatabase::check_constraint_sql(const migrate::CheckConstraintRef& check) const {
  return fmt::format("COUNT VIOLATIONS {}.{} CHECK {}", check.schema, check.table,
                     check.expression);
}

Result<int64_t> FakeDatabase::count(const std::string& sql) {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  auto it = counts_.find(sql);
  if (it == counts_.end())
    return std::unexpected(sql_error("fake: no count for " + sql, "42601", ""));
  return it->second;
}

Result<migrate::IntegrityScope> FakeDatabase::integrity_scope(
    const std::vector<migrate::Statement>& statements) {
  auto relations = relations_of(statements);
  if (!relations) return std::unexpected(relations.error());
  migrate::IntegrityScope scope;
  scope.whole = false;
  scope.relations = *relations;
  return scope;
}

Result<std::vector<std::string>> FakeDatabase::relations_of(
    const std::vector<migrate::Statement>& statements) {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  std::set<std::string> out;
  for (const migrate::Statement& st : statements) {
    if (auto t = table_of(st.sql)) out.insert("public." + *t);
  }
  return std::vector<std::string>(out.begin(), out.end());
}

Result<std::vector<migrate::SessionInLock>> FakeDatabase::sessions_in_lock(
    const std::vector<std::string>& relations) {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  std::vector<migrate::SessionInLock> out;
  const milliseconds now{clock_.elapsed_ms()};
  for (const FakeBlocker& b : blockers_) {
    if (b.leaves_after && now >= *b.leaves_after) continue;
    const bool concerned = std::any_of(
        b.session.relations.begin(), b.session.relations.end(), [&](const std::string& r) {
          return std::find(relations.begin(), relations.end(), r) != relations.end();
        });
    if (concerned) out.push_back(b.session);
  }
  return out;
}

Result<bool> FakeDatabase::terminate(int pid) {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  auto it = std::find_if(blockers_.begin(), blockers_.end(),
                         [&](const FakeBlocker& b) { return b.session.pid == pid; });
  if (it == blockers_.end()) return false;
  blockers_.erase(it);
  terminated_.push_back(pid);
  return true;
}

Result<int64_t> FakeDatabase::count_rows(const std::string& relation) {
  if (auto ok = alive(); !ok) return std::unexpected(ok.error());
  std::string table = relation.starts_with("public.") ? relation.substr(7) : relation;
  auto it = state().rows.find(table);
  return it == state().rows.end() ? 0 : it->second;
}

}  // namespace keel::fake
