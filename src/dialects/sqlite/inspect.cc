// SQLite dialect: the catalog queries. Every statement keel runs against a
// SQLite database is in this file.
//
// Naming: SQLite gives no names to primary keys, unique constraints, foreign
// keys or unnamed CHECKs, and numbers its automatic indexes in the order of
// the CREATE TABLE text. keel names them from their content instead, so the
// names (and the hash) do not depend on how the database got to its state:
//   primary key        <table>_pkey
//   unique             <table>_<columns>_key
//   foreign key        <table>_<columns>_fkey
//   unnamed CHECK      <table>_check
// and when two objects would share a name, each gets "_1", "_2" ... in the
// order of their definitions.
#include "dialects/sqlite/inspect.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "dialects/sqlite/driver.h"
#include "dialects/sqlite/sql_text.h"

namespace keel::sqlite {
namespace {

constexpr std::string_view kSchema = "main";

bool is_excluded(std::string_view name) {
  std::string lower = ascii_lower(name);
  return lower.starts_with("sqlite_") || lower.starts_with("keel_");
}

std::string text(const Row& row, size_t i) { return i < row.size() ? row[i].value_or("") : ""; }

int64_t number(const Row& row, size_t i) {
  std::string s = text(row, i);
  int64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// A named object waiting for its final, collision-free name.
template <typename T>
struct Pending {
  std::string base;
  std::string sort_key;  // orders objects that share a base name
  T value;
};

template <typename T>
void insert_named(std::vector<Pending<T>> items, std::map<std::string, T>& into) {
  std::sort(items.begin(), items.end(), [](const Pending<T>& a, const Pending<T>& b) {
    return std::tie(a.base, a.sort_key) < std::tie(b.base, b.sort_key);
  });
  for (size_t i = 0; i < items.size();) {
    size_t j = i;
    while (j < items.size() && items[j].base == items[i].base) ++j;
    for (size_t k = i; k < j; ++k) {
      std::string name =
          j - i == 1 ? items[k].base : fmt::format("{}_{}", items[k].base, k - i + 1);
      while (into.contains(name)) name += "_";
      into.emplace(std::move(name), std::move(items[k].value));
    }
    i = j;
  }
}

struct SchemaObject {
  std::string type;  // "table", "index", "view", "trigger"
  std::string name;
  std::string table;
  std::string sql;
};

class Inspector {
 public:
  explicit Inspector(Session& session) : session_(session) {}

  Result<Manifest> run() {
    Manifest m;
    m.dialect = driver().name;
    m.server.product = driver().name;
    m.server.version = Session::library_version();
    parse_version(m.server);
    // A savepoint: one read transaction for the whole capture, or, inside
    // keel plan's open transaction, a nested one that sees its changes.
    if (auto r = session_.exec("SAVEPOINT keel_inspect"); !r) return std::unexpected(r.error());
    if (auto r = read_pragmas(m); !r) return std::unexpected(r.error());
    if (auto r = read_schema(m.schema.schemas[std::string(kSchema)]); !r) {
      return std::unexpected(r.error());
    }
    if (auto r = session_.exec("RELEASE keel_inspect"); !r) return std::unexpected(r.error());
    return m;
  }

 private:
  static void parse_version(ServerInfo& server) {
    const std::string& v = server.version;
    const char* end = v.data() + v.size();
    auto [dot, ec] = std::from_chars(v.data(), end, server.major);
    if (ec == std::errc() && dot < end && *dot == '.') std::from_chars(dot + 1, end, server.minor);
  }

  Result<std::string> pragma(std::string_view name) {
    auto rows = session_.rows(fmt::format("PRAGMA main.{}", name));
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::string();
    return text(rows->front(), 0);
  }

  Result<void> read_pragmas(Manifest& m) {
    auto encoding = pragma("encoding");
    if (!encoding) return std::unexpected(encoding.error());
    m.encoding.encoding = *encoding;
    // The pragmas that change how the database behaves. schema_version and
    // data_version are left out: they count changes, not state.
    auto& settings = m.settings["pragma"];
    for (std::string_view name : {"application_id", "auto_vacuum", "foreign_keys", "journal_mode",
                                  "page_size", "user_version"}) {
      auto value = pragma(name);
      if (!value) return std::unexpected(value.error());
      settings[std::string(name)] = *value;
    }
    static const std::map<std::string, std::string> kAutoVacuum = {
        {"0", "none"}, {"1", "full"}, {"2", "incremental"}};
    if (auto it = kAutoVacuum.find(settings["auto_vacuum"]); it != kAutoVacuum.end()) {
      settings["auto_vacuum"] = it->second;
    }
    return {};
  }

  Result<void> read_schema(model::Schema& schema) {
    auto rows = session_.rows(
        "SELECT type, name, tbl_name, sql FROM main.sqlite_master ORDER BY type, name");
    if (!rows) return std::unexpected(rows.error());
    for (const Row& row : *rows) {
      SchemaObject obj{text(row, 0), text(row, 1), text(row, 2), text(row, 3)};
      if (is_excluded(obj.name) && obj.type != "index") continue;
      if (is_excluded(obj.table)) continue;
      objects_.push_back(obj);
      if (obj.type == "table") table_names_[ascii_lower(obj.name)] = obj.name;
      if (obj.type == "index") index_sql_[obj.name] = obj.sql;
    }
    if (auto r = read_table_list(); !r) return std::unexpected(r.error());

    for (const SchemaObject& obj : objects_) {
      if (obj.type != "table" || shadow_tables_.contains(obj.name)) continue;
      auto table = read_table(obj);
      if (!table) return std::unexpected(table.error());
      schema.tables.emplace(obj.name, std::move(*table));
    }
    for (const SchemaObject& obj : objects_) {
      if (obj.type == "view") {
        model::View view;
        view.definition = normalize_sql(obj.sql);
        schema.views.emplace(obj.name, std::move(view));
      }
    }
    for (const SchemaObject& obj : objects_) {
      if (obj.type != "trigger") continue;
      model::Trigger trigger;
      trigger.definition = normalize_sql(obj.sql);
      if (auto it = schema.tables.find(obj.table); it != schema.tables.end()) {
        it->second.triggers.emplace(obj.name, std::move(trigger));
      } else if (auto view = schema.views.find(obj.table); view != schema.views.end()) {
        view->second.triggers.emplace(obj.name, std::move(trigger));
      }
    }
    return {};
  }

  // PRAGMA table_list (SQLite 3.37+) tells shadow tables of virtual tables,
  // WITHOUT ROWID and STRICT apart. Older libraries lack it: then those
  // properties are not recorded.
  Result<void> read_table_list() {
    auto rows =
        session_.rows("SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main'");
    if (!rows) return {};
    for (const Row& row : *rows) {
      std::string name = text(row, 0);
      if (text(row, 1) == "shadow") shadow_tables_.insert(name);
      std::vector<std::string> options;
      if (number(row, 2) != 0) options.push_back("without rowid");
      if (number(row, 3) != 0) options.push_back("strict");
      table_options_[name] = fmt::format("{}", fmt::join(options, ", "));
    }
    return {};
  }

  std::string resolve_table_name(const std::string& name) const {
    auto it = table_names_.find(ascii_lower(name));
    return it != table_names_.end() ? it->second : name;
  }

  struct ColumnRow {
    std::string name;
    std::string type;
    bool not_null = false;
    std::optional<std::string> default_value;
    int pk = 0;
    int hidden = 0;
  };

  Result<std::vector<ColumnRow>> table_columns(const std::string& table) {
    auto rows = session_.rows(
        "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
        "FROM pragma_table_xinfo(?1, 'main') ORDER BY cid",
        {table});
    if (!rows) return std::unexpected(rows.error());
    std::vector<ColumnRow> out;
    for (const Row& row : *rows) {
      out.push_back({text(row, 0), text(row, 1), number(row, 2) != 0, row[3],
                     static_cast<int>(number(row, 4)), static_cast<int>(number(row, 5))});
    }
    return out;
  }

  // Primary key columns of `table` in key order (for REFERENCES t without a
  // column list).
  Result<std::vector<std::string>> primary_key(const std::string& table) {
    auto columns = table_columns(table);
    if (!columns) return std::unexpected(columns.error());
    std::vector<std::pair<int, std::string>> keyed;
    for (const auto& c : *columns) {
      if (c.pk > 0) keyed.emplace_back(c.pk, c.name);
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::string> out;
    for (auto& [pk, name] : keyed) out.push_back(std::move(name));
    return out;
  }

  Result<model::Table> read_table(const SchemaObject& obj) {
    model::Table table;
    TableDef def = parse_create_table(obj.sql);
    bool is_virtual = !def.virtual_module.empty();
    table.kind = is_virtual ? "virtual table" : "table";
    table.options = is_virtual ? def.virtual_module : table_options_[obj.name];

    auto columns = table_columns(obj.name);
    if (!columns) return std::unexpected(columns.error());
    int position = 0;
    std::vector<std::pair<int, std::string>> pk;
    for (const ColumnRow& row : *columns) {
      if (row.hidden == 1) continue;  // hidden columns of virtual tables
      model::Column column;
      column.position = ++position;
      // The declared type as written, in canonical spacing; its case is kept.
      column.type = normalize_sql(row.type);
      column.not_null = row.not_null;
      if (row.default_value) column.default_expr = normalize_sql(*row.default_value);
      // What only the CREATE TABLE text says of the column.
      auto parsed = std::find_if(def.columns.begin(), def.columns.end(),
                                 [&](const ColumnDef& c) { return iequals(c.name, row.name); });
      if (row.hidden == 2 || row.hidden == 3) {
        std::string expr = parsed != def.columns.end() ? parsed->generated : "";
        column.generated = fmt::format("({}) {}", expr, row.hidden == 3 ? "STORED" : "VIRTUAL");
      }
      if (parsed != def.columns.end())
        read_on_conflict(parsed->on_conflict, column.dialect_options);
      if (!is_virtual) {
        auto meta = session_.column_metadata(obj.name, row.name);
        if (!meta) return std::unexpected(meta.error());
        if (!iequals(meta->collation, "BINARY")) column.collation = ascii_upper(meta->collation);
        if (meta->autoincrement) column.identity = "autoincrement";
      }
      if (row.pk > 0) pk.emplace_back(row.pk, row.name);
      table.columns.emplace(row.name, std::move(column));
    }

    if (!pk.empty()) {
      std::sort(pk.begin(), pk.end());
      model::Constraint c;
      c.type = "primary key";
      for (auto& [n, name] : pk) c.columns.push_back(name);
      c.definition = fmt::format("PRIMARY KEY ({})", fmt::join(c.columns, ", "));
      table.constraints.emplace(obj.name + "_pkey", std::move(c));
    }
    if (auto r = read_foreign_keys(obj.name, def, table); !r) return std::unexpected(r.error());
    read_checks(obj.name, def, table);
    read_on_conflict(def.on_conflict, table.dialect_options);
    if (auto r = read_indexes(obj.name, table); !r) return std::unexpected(r.error());
    return table;
  }

  // ON CONFLICT clauses (only in the CREATE TABLE text): REPLACE, IGNORE, FAIL or ROLLBACK
  // change what every INSERT and UPDATE does, so they are part of the schema. Recorded in
  // dialect_options ("on conflict not null" on a column, "on conflict unique (a, b)" on the
  // table); the default ABORT is left out, so a schema without any hashes as before.
  static void read_on_conflict(const OnConflict& clauses,
                               std::map<std::string, std::string>& options) {
    for (const auto& [constraint, resolution] : clauses) {
      options["on conflict " + constraint] = resolution;
    }
  }

  Result<void> read_foreign_keys(const std::string& table_name, const TableDef& def,
                                 model::Table& table) {
    auto rows = session_.rows(
        "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete, match "
        "FROM pragma_foreign_key_list(?1, 'main') ORDER BY id, seq",
        {table_name});
    if (!rows) return std::unexpected(rows.error());
    std::map<int64_t, model::Constraint> by_id;
    std::map<int64_t, bool> implicit_ref;  // REFERENCES t without columns
    for (const Row& row : *rows) {
      model::Constraint& c = by_id[number(row, 0)];
      c.type = "foreign key";
      c.ref_table = fmt::format("{}.{}", kSchema, resolve_table_name(text(row, 1)));
      c.columns.push_back(text(row, 2));
      if (row[3]) {
        c.ref_columns.push_back(*row[3]);
      } else {
        implicit_ref[number(row, 0)] = true;
      }
      c.on_update = ascii_lower(text(row, 4));
      c.on_delete = ascii_lower(text(row, 5));
      std::string match = ascii_lower(text(row, 6));
      c.match = match == "none" ? "" : match;
    }
    std::vector<Pending<model::Constraint>> pending;
    for (auto& [id, c] : by_id) {
      std::string ref = c.ref_table.substr(kSchema.size() + 1);
      if (implicit_ref[id]) {
        auto key = primary_key(ref);
        if (!key) return std::unexpected(key.error());
        c.ref_columns = *key;
      }
      for (const ForeignKeyDef& fk : def.foreign_keys) {
        bool same =
            iequals(fk.ref_table, ref) && fk.columns.size() == c.columns.size() &&
            std::equal(fk.columns.begin(), fk.columns.end(), c.columns.begin(),
                       [](const std::string& a, const std::string& b) { return iequals(a, b); });
        if (same) c.deferrable = c.initially_deferred = fk.initially_deferred;
      }
      c.definition = fmt::format("FOREIGN KEY ({}) REFERENCES {}({})", fmt::join(c.columns, ", "),
                                 ref, fmt::join(c.ref_columns, ", "));
      if (c.on_update != "no action") c.definition += " ON UPDATE " + ascii_upper(c.on_update);
      if (c.on_delete != "no action") c.definition += " ON DELETE " + ascii_upper(c.on_delete);
      if (!c.match.empty()) c.definition += " MATCH " + ascii_upper(c.match);
      if (c.initially_deferred) c.definition += " DEFERRABLE INITIALLY DEFERRED";
      std::string base = fmt::format("{}_{}_fkey", table_name, fmt::join(c.columns, "_"));
      pending.push_back({std::move(base), c.definition, std::move(c)});
    }
    insert_named(std::move(pending), table.constraints);
    return {};
  }

  // CHECKs live only in the CREATE TABLE text. A column CHECK and a table
  // CHECK behave alike in SQLite, so both are recorded as table CHECKs.
  static void read_checks(const std::string& table_name, const TableDef& def, model::Table& table) {
    std::vector<Pending<model::Constraint>> pending;
    auto add = [&](const CheckDef& check) {
      model::Constraint c;
      c.type = "check";
      c.definition = fmt::format("CHECK ({})", check.expression);
      std::string base = check.name.empty() ? table_name + "_check" : check.name;
      pending.push_back({std::move(base), c.definition, std::move(c)});
    };
    for (const ColumnDef& column : def.columns) {
      for (const CheckDef& check : column.checks) add(check);
    }
    for (const CheckDef& check : def.checks) add(check);
    insert_named(std::move(pending), table.constraints);
  }

  Result<void> read_indexes(const std::string& table_name, model::Table& table) {
    auto list =
        session_.rows("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1, 'main')",
                      {table_name});
    if (!list) return std::unexpected(list.error());
    std::vector<Pending<model::Index>> automatic;
    std::vector<Pending<model::Constraint>> unique_constraints;
    for (const Row& row : *list) {
      std::string name = text(row, 0);
      std::string origin = text(row, 2);
      if (origin == "c" && is_excluded(name)) continue;
      model::Index index;
      index.unique = number(row, 1) != 0;
      index.primary = origin == "pk";
      IndexDef def;
      if (origin == "c") {
        const std::string& sql = index_sql_[name];
        def = parse_create_index(sql);
        index.definition = normalize_sql(sql);
        index.predicate = def.predicate;
      }
      auto columns = session_.rows(
          "SELECT seqno, cid, name, \"desc\", coll FROM pragma_index_xinfo(?1, 'main') "
          "WHERE key = 1 ORDER BY seqno",
          {name});
      if (!columns) return std::unexpected(columns.error());
      std::vector<std::string> plain;
      for (const Row& col : *columns) {
        size_t seqno = static_cast<size_t>(number(col, 0));
        int64_t cid = number(col, 1);
        std::string item = cid == -2   ? (seqno < def.items.size() ? def.items[seqno] : "?")
                           : cid == -1 ? "rowid"
                                       : text(col, 2);
        plain.push_back(item);
        if (std::string coll = text(col, 4); !coll.empty() && !iequals(coll, "BINARY")) {
          item += " COLLATE " + ascii_upper(coll);
        }
        if (number(col, 3) != 0) item += " DESC";
        index.columns.push_back(std::move(item));
      }
      if (origin == "c") {
        table.indexes.emplace(name, std::move(index));
      } else if (origin == "pk") {
        automatic.push_back({table_name + "_pkey", "", std::move(index)});
      } else {
        std::string base = fmt::format("{}_{}_key", table_name, fmt::join(plain, "_"));
        model::Constraint c;
        c.type = "unique";
        c.columns = plain;
        c.definition = fmt::format("UNIQUE ({})", fmt::join(index.columns, ", "));
        unique_constraints.push_back({base, c.definition, std::move(c)});
        automatic.push_back(
            {std::move(base), fmt::format("{}", fmt::join(index.columns, ",")), std::move(index)});
      }
    }
    insert_named(std::move(automatic), table.indexes);
    insert_named(std::move(unique_constraints), table.constraints);
    return {};
  }

  Session& session_;
  std::vector<SchemaObject> objects_;
  std::map<std::string, std::string> table_names_;  // lower-case name -> name
  std::map<std::string, std::string> index_sql_;
  std::map<std::string, std::string> table_options_;
  std::set<std::string> shadow_tables_;
};

}  // namespace

Result<Manifest> inspect(Session& session) { return Inspector(session).run(); }

}  // namespace keel::sqlite
