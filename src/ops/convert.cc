// keel convert: a PostgreSQL script's parse trees (libpg_query, through lint/statements.h)
// -> operations. Source text (types, expressions) is cut from the script where the tree points.
#include "keel/convert.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "lint/statements.h"
#include "ops/sql_text.h"

namespace keel::ops {
namespace {

using Json = nlohmann::json;
using Statement = lint::ParsedStatement;

const Json& at(const Json& j, std::string_view key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string sval(const Json& node) {
  return at(at(node, "String"), "sval").is_string()
             ? at(at(node, "String"), "sval").get<std::string>()
             : "";
}

std::vector<std::string> svals(const Json& list) {
  std::vector<std::string> out;
  if (list.is_array()) {
    for (const auto& n : list) out.push_back(sval(n));
  }
  return out;
}

// A statement keel cannot turn into operations: why, and what to do.
struct Refusal {
  std::string reason;
};

std::string fk_action(const Json& c, const char* key) {
  std::string a = at(c, key).is_string() ? at(c, key).get<std::string>() : "a";
  if (a == "r") return "RESTRICT";
  if (a == "c") return "CASCADE";
  if (a == "n") return "SET NULL";
  if (a == "d") return "SET DEFAULT";
  return "NO ACTION";
}

std::string fk_match(const Json& c) {
  std::string m =
      at(c, "fk_matchtype").is_string() ? at(c, "fk_matchtype").get<std::string>() : "s";
  return m == "f" ? "FULL" : m == "p" ? "PARTIAL" : "SIMPLE";
}

std::string todo(std::string_view what) { return fmt::format("TODO: {}", what); }

class Converter {
 public:
  Converter(const std::string& path, std::string_view sql) : path_(path), sql_(sql) {}

  // Appends the statement's operations, or returns why it cannot be converted.
  std::optional<Refusal> add(const Statement& s) {
    stmt_ = &s;
    const Json& b = s.body;
    if (s.kind == "TransactionStmt") return std::nullopt;
    if (s.kind == "CreateStmt") return create_table(b);
    if (s.kind == "DropStmt") return drop(b);
    if (s.kind == "RenameStmt") return rename(b);
    if (s.kind == "AlterTableStmt" && at(b, "objtype") == "OBJECT_TABLE") return alter_table(b);
    if (s.kind == "IndexStmt") return create_index(b);
    if (s.kind == "CommentStmt" && at(b, "objtype") == "OBJECT_COLUMN") return comment(b);
    plain();
    return std::nullopt;
  }

  OperationMigration take() { return std::move(out_); }

 private:
  std::string text() const {
    return std::string(sql_.substr(stmt_->begin, stmt_->end - stmt_->begin));
  }
  void push(Operation op) {
    out_.operations.push_back(LocatedOperation{std::move(op), stmt_->line});
  }
  // A statement that needs no help: a `sql` operation.
  void plain() { push(RawSql{text(), std::nullopt, false}); }

  std::optional<std::string> table_of(const Json& range_var, std::optional<Refusal>& refusal) {
    std::string schema = at(range_var, "schemaname").is_string()
                             ? at(range_var, "schemaname").get<std::string>()
                             : "";
    if (!schema.empty() && schema != "public") {
      refusal =
          Refusal{fmt::format("the table is in schema {}: operation files name tables of "
                              "the migration's schema only; convert a script for that "
                              "schema without the qualifier",
                              schema)};
      return std::nullopt;
    }
    return at(range_var, "relname").get<std::string>();
  }

  std::string type_text(const Json& type_name) const {
    return clause_text(sql_, at(type_name, "location").get<size_t>(), stmt_->end,
                       column_clause_words());
  }

  // The expression after `keyword` (DEFAULT, USING, WHERE) in sql[from, to).
  std::string after(std::string_view keyword, size_t from, size_t to,
                    const std::vector<std::string_view>& stops = {}) const {
    size_t pos = after_keyword(sql_, from, to, keyword);
    return pos == std::string_view::npos ? "" : clause_text(sql_, pos, to, stops);
  }

  std::string check_text(const Json& c, size_t to) const {
    size_t pos = after_keyword(sql_, at(c, "location").get<size_t>(), to, "CHECK");
    return pos == std::string_view::npos ? "" : paren_text(sql_, pos, to);
  }

  // A column definition; `to` bounds its text.
  std::optional<Refusal> column(const std::string& table, const Json& def, size_t to, Column& out) {
    out.name = at(def, "colname").get<std::string>();
    out.type = type_text(at(def, "typeName"));
    out.nullable = true;  // SQL's default (pgroll's is NOT NULL: written explicitly)
    if (!at(def, "collClause").is_null()) {
      return Refusal{"COLLATE on a column: pgroll's column has no collation; use a sql operation"};
    }
    for (const auto& item : at(def, "constraints")) {
      const Json& c = at(item, "Constraint");
      std::string type = at(c, "contype").get<std::string>();
      std::string name = at(c, "conname").is_string() ? at(c, "conname").get<std::string>() : "";
      size_t location = at(c, "location").get<size_t>();
      if (type == "CONSTR_NOTNULL") {
        out.nullable = false;
      } else if (type == "CONSTR_NULL") {
        out.nullable = true;
      } else if (type == "CONSTR_PRIMARY") {
        out.pk = true;
        out.nullable = false;
      } else if (type == "CONSTR_UNIQUE") {
        out.unique = true;
      } else if (type == "CONSTR_DEFAULT") {
        out.default_value = after("DEFAULT", location, to, column_clause_words());
      } else if (type == "CONSTR_CHECK") {
        out.check = CheckConstraint{name.empty() ? table + "_" + out.name + "_check" : name,
                                    check_text(c, to), at(c, "is_no_inherit") == true};
      } else if (type == "CONSTR_FOREIGN") {
        std::vector<std::string> pk = svals(at(c, "pk_attrs"));
        if (pk.size() != 1) {
          return Refusal{"REFERENCES without the referenced column: name it (REFERENCES t (id))"};
        }
        out.references = ForeignKeyReference{name.empty() ? table + "_" + out.name + "_fkey" : name,
                                             at(at(c, "pktable"), "relname").get<std::string>(),
                                             pk[0],
                                             fk_action(c, "fk_del_action"),
                                             fk_action(c, "fk_upd_action"),
                                             fk_match(c),
                                             at(c, "deferrable") == true,
                                             at(c, "initdeferred") == true};
      } else if (type == "CONSTR_GENERATED") {
        size_t as = after_keyword(sql_, location, to, "AS");
        out.generated = GeneratedColumn{.expression = paren_text(sql_, as, to)};
      } else if (type == "CONSTR_IDENTITY") {
        if (!at(c, "options").is_null()) {
          return Refusal{"identity sequence options: write the column with a sql operation"};
        }
        out.generated =
            GeneratedColumn{.identity = GeneratedColumn::Identity{
                                at(c, "generated_when") == "a" ? "ALWAYS" : "BY DEFAULT", ""}};
      } else {
        return Refusal{
            fmt::format("{} on a column is not in pgroll's column format", type.substr(7))};
      }
    }
    return std::nullopt;
  }

  std::optional<Refusal> table_constraint(const std::string& table, const Json& c,
                                          TableConstraint& out) {
    std::string type = at(c, "contype").get<std::string>();
    std::string name = at(c, "conname").is_string() ? at(c, "conname").get<std::string>() : "";
    out.columns = svals(at(c, "keys"));
    if (type == "CONSTR_PRIMARY") {
      out.type = TableConstraint::Type::kPrimaryKey;
      out.name = name.empty() ? table + "_pkey" : name;
    } else if (type == "CONSTR_UNIQUE") {
      out.type = TableConstraint::Type::kUnique;
      out.name = name.empty() ? fmt::format("{}_{}_key", table, fmt::join(out.columns, "_")) : name;
    } else if (type == "CONSTR_CHECK") {
      out.type = TableConstraint::Type::kCheck;
      out.name = name.empty() ? table + "_check" : name;
      out.check = check_text(c, stmt_->end);
    } else if (type == "CONSTR_FOREIGN") {
      out.type = TableConstraint::Type::kForeignKey;
      out.columns = svals(at(c, "fk_attrs"));
      out.name =
          name.empty() ? fmt::format("{}_{}_fkey", table, fmt::join(out.columns, "_")) : name;
      out.references = TableReference{at(at(c, "pktable"), "relname").get<std::string>(),
                                      svals(at(c, "pk_attrs")),
                                      fk_action(c, "fk_del_action"),
                                      fk_action(c, "fk_upd_action"),
                                      fk_match(c),
                                      {}};
      if (out.references->columns.empty()) {
        return Refusal{"REFERENCES without the referenced columns: name them"};
      }
    } else {
      return Refusal{fmt::format("a {} table constraint", type.substr(7))};
    }
    out.deferrable = at(c, "deferrable") == true;
    out.initially_deferred = at(c, "initdeferred") == true;
    out.no_inherit = at(c, "is_no_inherit") == true;
    return std::nullopt;
  }

  // CREATE TABLE: create_table when pgroll's format describes it, else a `sql` operation (a
  // new table needs no expand/contract help).
  std::optional<Refusal> create_table(const Json& b) {
    std::optional<Refusal> refusal;
    auto table = table_of(at(b, "relation"), refusal);
    bool plain_only = !table || !at(b, "inhRelations").is_null() || !at(b, "partspec").is_null() ||
                      !at(b, "partbound").is_null() || !at(b, "ofTypename").is_null() ||
                      !at(b, "options").is_null() || !at(b, "tablespacename").is_null() ||
                      at(b, "if_not_exists") == true ||
                      at(at(b, "relation"), "relpersistence") != "p" ||
                      at(b, "tableElts").is_null();
    CreateTable op;
    if (!plain_only) {
      op.name = *table;
      const Json& elements = at(b, "tableElts");
      for (size_t i = 0; i < elements.size() && !plain_only; ++i) {
        size_t to = i + 1 < elements.size() ? location_of(elements[i + 1]) : stmt_->end;
        if (elements[i].contains("ColumnDef")) {
          Column c;
          plain_only = column(*table, elements[i]["ColumnDef"], to, c).has_value();
          op.columns.push_back(std::move(c));
        } else if (elements[i].contains("Constraint")) {
          TableConstraint c;
          plain_only = table_constraint(*table, elements[i]["Constraint"], c).has_value();
          op.constraints.push_back(std::move(c));
        } else {
          plain_only = true;  // LIKE
        }
      }
      plain_only = plain_only || op.columns.empty();
    }
    if (plain_only) {
      plain();
    } else {
      push(std::move(op));
    }
    return std::nullopt;
  }

  static size_t location_of(const Json& element) {
    for (const auto& [kind, node] : element.items()) {
      if (node.contains("location")) return node["location"].get<size_t>();
    }
    return 0;
  }

  std::optional<Refusal> drop(const Json& b) {
    std::string type = at(b, "removeType").get<std::string>();
    if (type != "OBJECT_TABLE" && type != "OBJECT_INDEX") {
      plain();
      return std::nullopt;
    }
    if (at(b, "missing_ok") == true) {
      return Refusal{"IF EXISTS: an operation drops what exists; remove IF EXISTS"};
    }
    if (at(b, "behavior") == "DROP_CASCADE") {
      return Refusal{"CASCADE: drop the dependent objects with their own statements first"};
    }
    for (const auto& object : at(b, "objects")) {
      std::vector<std::string> names = svals(at(at(object, "List"), "items"));
      if (names.size() == 2 && names[0] == "public") names.erase(names.begin());
      if (names.size() != 1) {
        return Refusal{
            "a schema-qualified name: operation files name objects of the "
            "migration's schema only"};
      }
      if (type == "OBJECT_TABLE") {
        push(DropTable{names[0]});
      } else {
        push(DropIndex{names[0]});
      }
    }
    return std::nullopt;
  }

  std::optional<Refusal> rename(const Json& b) {
    std::string type = at(b, "renameType").get<std::string>();
    if (type != "OBJECT_TABLE" && type != "OBJECT_COLUMN" && type != "OBJECT_TABCONSTRAINT") {
      plain();
      return std::nullopt;
    }
    if (at(b, "missing_ok") == true) return Refusal{"IF EXISTS: remove it"};
    std::optional<Refusal> refusal;
    auto table = table_of(at(b, "relation"), refusal);
    if (!table) return refusal;
    std::string to = at(b, "newname").get<std::string>();
    if (type == "OBJECT_TABLE") {
      push(RenameTable{*table, to});
    } else if (type == "OBJECT_COLUMN") {
      push(RenameColumn{*table, at(b, "subname").get<std::string>(), to});
    } else {
      push(RenameConstraint{*table, at(b, "subname").get<std::string>(), to});
    }
    return std::nullopt;
  }

  std::optional<Refusal> comment(const Json& b) {
    std::vector<std::string> names = svals(at(at(at(b, "object"), "List"), "items"));
    if (names.size() == 3 && names[0] == "public") names.erase(names.begin());
    if (names.size() != 2) return Refusal{"a schema-qualified column: drop the qualifier"};
    AlterColumn op{.table = names[0], .column = names[1]};
    op.comment = at(b, "comment").is_string()
                     ? std::optional<std::string>(at(b, "comment").get<std::string>())
                     : std::nullopt;
    push(std::move(op));
    return std::nullopt;
  }

  std::optional<Refusal> create_index(const Json& b) {
    std::optional<Refusal> refusal;
    auto table = table_of(at(b, "relation"), refusal);
    bool plain_only = !table || !at(b, "idxname").is_string() ||
                      !at(b, "indexIncludingParams").is_null() ||
                      at(b, "nulls_not_distinct") == true || !at(b, "tableSpace").is_null() ||
                      at(b, "if_not_exists") == true;
    static const std::set<std::string> kMethods = {"btree",  "hash", "gist",
                                                   "spgist", "gin",  "brin"};
    std::string method =
        at(b, "accessMethod").is_string() ? at(b, "accessMethod").get<std::string>() : "btree";
    plain_only = plain_only || !kMethods.contains(method);
    CreateIndex op;
    for (const auto& param : at(b, "indexParams")) {
      const Json& e = at(param, "IndexElem");
      if (!at(e, "name").is_string()) {
        plain_only = true;  // an expression index
        break;
      }
      op.columns.push_back(e["name"].get<std::string>());
      IndexColumnSettings s;
      if (at(e, "ordering") == "SORTBY_DESC") s.sort = "DESC";
      if (at(e, "ordering") == "SORTBY_ASC") s.sort = "ASC";
      if (at(e, "nulls_ordering") == "SORTBY_NULLS_FIRST") s.nulls = "FIRST";
      if (at(e, "nulls_ordering") == "SORTBY_NULLS_LAST") s.nulls = "LAST";
      if (!at(e, "opclass").is_null())
        s.opclass = fmt::format("{}", fmt::join(svals(e["opclass"]), "."));
      if (!at(e, "opclassopts").is_null()) plain_only = true;
      if (!at(e, "collation").is_null())
        s.collate = fmt::format("{}", fmt::join(svals(e["collation"]), "."));
      op.column_settings.push_back(std::move(s));
    }
    if (plain_only) {
      plain();
      return std::nullopt;
    }
    op.name = at(b, "idxname").get<std::string>();
    op.table = *table;
    op.unique = at(b, "unique") == true;
    if (method != "btree") op.method = method;
    if (!at(b, "whereClause").is_null()) op.predicate = after("WHERE", stmt_->begin, stmt_->end);
    if (!at(b, "options").is_null()) {
      op.storage_parameters =
          paren_text(sql_, after_keyword(sql_, stmt_->begin, stmt_->end, "WITH"), stmt_->end);
    }
    push(std::move(op));
    return std::nullopt;
  }

  // ALTER TABLE: each subcommand is one operation; a statement whose subcommands are all
  // outside the operations' reach is a `sql` operation; a mix is refused.
  std::optional<Refusal> alter_table(const Json& b) {
    const Json& cmds = at(b, "cmds");
    std::optional<Refusal> refusal;
    auto table = table_of(at(b, "relation"), refusal);
    if (!table) return refusal;
    if (at(b, "missing_ok") == true) return Refusal{"IF EXISTS: remove it"};
    auto parts = split_top_level(sql_, at(at(b, "relation"), "location").get<size_t>(), stmt_->end);
    if (parts.size() != cmds.size()) parts.assign(cmds.size(), {stmt_->begin, stmt_->end});
    std::vector<Operation> ops;
    std::vector<std::string> others;
    for (size_t i = 0; i < cmds.size(); ++i) {
      const Json& cmd = at(cmds[i], "AlterTableCmd");
      std::string subtype = at(cmd, "subtype").get<std::string>();
      auto result = alter_command(*table, subtype, cmd, parts[i].first, parts[i].second, ops);
      if (result && result->reason.empty()) {
        others.push_back(subtype.substr(3));
      } else if (result) {
        return result;
      }
    }
    if (ops.empty()) {
      plain();
      return std::nullopt;
    }
    if (!others.empty()) {
      return Refusal{
          fmt::format("it mixes changes operations describe with others ({}); split "
                      "the statement, one ALTER TABLE for those",
                      fmt::join(others, ", "))};
    }
    for (auto& op : ops) push(std::move(op));
    return std::nullopt;
  }

  // One subcommand: appends its operation; an empty Refusal when operations do not describe it.
  std::optional<Refusal> alter_command(const std::string& table, const std::string& subtype,
                                       const Json& cmd, size_t from, size_t to,
                                       std::vector<Operation>& ops) {
    std::string col = at(cmd, "name").is_string() ? at(cmd, "name").get<std::string>() : "";
    if (subtype == "AT_AddColumn") {
      AddColumn op{.table = table};
      if (auto r = column(table, at(at(cmd, "def"), "ColumnDef"), to, op.column)) return r;
      if (!op.column.nullable && !op.column.default_value && !op.column.generated) {
        op.up =
            todo(fmt::format("the value of {} for existing rows and for rows older versions "
                             "write, as an SQL expression over the other columns",
                             op.column.name));
      }
      ops.push_back(std::move(op));
    } else if (subtype == "AT_DropColumn") {
      if (at(cmd, "behavior") == "DROP_CASCADE") return Refusal{"CASCADE: drop dependents first"};
      ops.push_back(DropColumn{table, col,
                               todo(fmt::format("the value of {} for rows the new version writes "
                                                "(older versions still read it)",
                                                col))});
    } else if (subtype == "AT_AlterColumnType") {
      const Json& def = at(at(cmd, "def"), "ColumnDef");
      AlterColumn op{.table = table, .column = col};
      op.type = clause_text(sql_, at(at(def, "typeName"), "location").get<size_t>(), to,
                            {"USING", "COLLATE"});
      std::string using_text = at(def, "raw_default").is_null() ? "" : after("USING", from, to);
      op.up = using_text.empty() ? fmt::format("CAST({} AS {})", col, *op.type) : using_text;
      op.down = todo(
          fmt::format("{} converted back to its old type, e.g. CAST({} AS <old type>)", col, col));
      ops.push_back(std::move(op));
    } else if (subtype == "AT_SetNotNull" || subtype == "AT_DropNotNull") {
      bool set = subtype == "AT_SetNotNull";
      AlterColumn op{.table = table, .column = col};
      op.nullable = !set;
      std::string fill =
          todo(fmt::format("{} with a value for NULLs, e.g. COALESCE({}, <value>)", col, col));
      op.up = set ? fill : col;
      op.down = set ? col : fill;
      ops.push_back(std::move(op));
    } else if (subtype == "AT_ColumnDefault") {
      AlterColumn op{.table = table, .column = col};
      op.default_value = at(cmd, "def").is_null()
                             ? std::optional<std::string>()
                             : std::optional<std::string>(after("DEFAULT", from, to));
      ops.push_back(std::move(op));
    } else if (subtype == "AT_AddConstraint") {
      return add_constraint(table, at(at(cmd, "def"), "Constraint"), from, to, ops);
    } else if (subtype == "AT_DropConstraint") {
      if (at(cmd, "missing_ok") == true) return Refusal{"IF EXISTS: remove it"};
      if (at(cmd, "behavior") == "DROP_CASCADE") return Refusal{"CASCADE: drop dependents first"};
      ops.push_back(DropConstraint{
          table, col, std::nullopt,
          todo("the old column's value for rows the new version writes, satisfying the dropped "
               "constraint")});
    } else if (subtype == "AT_ReplicaIdentity") {
      const Json& r = at(at(cmd, "def"), "ReplicaIdentityStmt");
      std::string t = at(r, "identity_type").get<std::string>();
      std::string type = t == "f" ? "full" : t == "n" ? "nothing" : t == "i" ? "index" : "default";
      ops.push_back(SetReplicaIdentity{
          table, type,
          type == "index" ? std::optional<std::string>(at(r, "name").get<std::string>())
                          : std::nullopt});
    } else {
      return Refusal{};  // not an operation: ALTER TABLE ... SET (...), OWNER TO, ...
    }
    return std::nullopt;
  }

  std::optional<Refusal> add_constraint(const std::string& table, const Json& c, size_t from,
                                        size_t to, std::vector<Operation>& ops) {
    std::string type = at(c, "contype").get<std::string>();
    if (!at(c, "indexname").is_null()) {
      return Refusal{"USING INDEX: create_constraint builds its own index; write the columns"};
    }
    CreateConstraint op{.table = table};
    std::string name = at(c, "conname").is_string() ? at(c, "conname").get<std::string>() : "";
    if (type == "CONSTR_CHECK") {
      op.type = CreateConstraint::Type::kCheck;
      op.check = check_text(c, to);
      collect_columns(at(c, "raw_expr"), op.columns);
      if (op.columns.empty()) return Refusal{"a CHECK that names no column"};
      op.name = name.empty() ? fmt::format("{}_{}_check", table, op.columns[0]) : name;
    } else if (type == "CONSTR_UNIQUE") {
      op.type = CreateConstraint::Type::kUnique;
      op.columns = svals(at(c, "keys"));
      op.name = name.empty() ? fmt::format("{}_{}_key", table, fmt::join(op.columns, "_")) : name;
    } else if (type == "CONSTR_FOREIGN") {
      op.type = CreateConstraint::Type::kForeignKey;
      op.columns = svals(at(c, "fk_attrs"));
      op.name = name.empty() ? fmt::format("{}_{}_fkey", table, fmt::join(op.columns, "_")) : name;
      std::vector<std::string> pk = svals(at(c, "pk_attrs"));
      if (pk.empty()) return Refusal{"REFERENCES without the referenced columns: name them"};
      op.references =
          CreateConstraint::References{at(at(c, "pktable"), "relname").get<std::string>(),
                                       pk,
                                       fk_action(c, "fk_del_action"),
                                       fk_action(c, "fk_upd_action"),
                                       fk_match(c),
                                       {}};
    } else {
      return Refusal{
          fmt::format("ADD {}: create_constraint takes unique, check and foreign "
                      "keys only",
                      type == "CONSTR_PRIMARY" ? "PRIMARY KEY" : type.substr(7))};
    }
    (void)from;
    for (const auto& column : op.columns) {
      op.up[column] =
          todo(fmt::format("{} made to satisfy {} for rows older versions write", column, op.name));
      op.down[column] = column;
    }
    ops.push_back(std::move(op));
    return std::nullopt;
  }

  static void collect_columns(const Json& node, std::vector<std::string>& out) {
    if (node.is_object()) {
      if (node.contains("ColumnRef")) {
        std::vector<std::string> fields = svals(at(node["ColumnRef"], "fields"));
        if (!fields.empty() && std::find(out.begin(), out.end(), fields.back()) == out.end()) {
          out.push_back(fields.back());
        }
        return;
      }
      for (const auto& [k, v] : node.items()) collect_columns(v, out);
    } else if (node.is_array()) {
      for (const auto& v : node) collect_columns(v, out);
    }
  }

  const std::string& path_;
  std::string_view sql_;
  const Statement* stmt_ = nullptr;
  OperationMigration out_;
};

std::string summary(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  if (out.size() > 60) out = out.substr(0, 57) + "...";
  return out;
}

}  // namespace

Result<OperationMigration> convert_sql(const std::string& path, std::string_view sql) {
  auto statements = lint::parse_statements(path, sql);
  if (!statements) return std::unexpected(statements.error());
  Converter converter(path, sql);
  std::vector<std::string> refused;
  std::string first;
  for (const Statement& s : *statements) {
    auto refusal = converter.add(s);
    if (!refusal) continue;
    std::string where = fmt::format("{}:{}", path, s.line);
    if (first.empty()) first = where;
    refused.push_back(fmt::format("{}: {}: {}", where,
                                  summary(sql.substr(s.begin, s.end - s.begin)), refusal->reason));
  }
  if (!refused.empty()) {
    return fail(ErrorCode::kUnsupported,
                fmt::format("{} statement{} cannot be converted to operations; change {} or keep "
                            "the script as a SQL migration:\n  {}",
                            refused.size(), refused.size() == 1 ? "" : "s",
                            refused.size() == 1 ? "it" : "them", fmt::join(refused, "\n  ")),
                first);
  }
  OperationMigration out = converter.take();
  out.path = path;
  if (out.operations.empty()) {
    return fail(ErrorCode::kConfig, "the script has no statement to convert", path);
  }
  return out;
}

namespace {

size_t count_placeholders(const OperationMigration& m) {
  size_t n = 0;
  auto count = [&](const std::optional<std::string>& v) { n += v && v->starts_with("TODO"); };
  for (const auto& located : m.operations) {
    if (const auto* op = std::get_if<AddColumn>(&located.op)) count(op->up);
    if (const auto* op = std::get_if<DropColumn>(&located.op)) count(op->down);
    if (const auto* op = std::get_if<AlterColumn>(&located.op)) {
      count(op->up);
      count(op->down);
    }
    if (const auto* op = std::get_if<DropConstraint>(&located.op)) count(op->down);
    if (const auto* op = std::get_if<CreateConstraint>(&located.op)) {
      for (const auto& [column, expr] : op->up) count(expr);
      for (const auto& [column, expr] : op->down) count(expr);
    }
  }
  return n;
}

}  // namespace

Result<ConvertedFile> convert_file(const std::string& sql_path, bool json) {
  std::ifstream in(sql_path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in || in.bad()) {
    return fail(ErrorCode::kIo, "cannot read the SQL file: check the path and permissions",
                sql_path);
  }
  std::string sql = buffer.str();
  if (sql.starts_with("\xEF\xBB\xBF")) sql.erase(0, 3);
  auto migration = convert_sql(sql_path, sql);
  if (!migration) return std::unexpected(migration.error());
  ConvertedFile out;
  out.operations = migration->operations.size();
  out.placeholders = count_placeholders(*migration);
  std::string header = fmt::format("Written by keel convert from {}.", sql_path);
  if (out.placeholders > 0) {
    header += fmt::format(
        "\nReplace the {} TODO: placeholder{} with SQL expressions: keel refuses the file until "
        "then.",
        out.placeholders, out.placeholders == 1 ? "" : "s");
  }
  out.text = write_operations(*migration, json, header);
  return out;
}

Result<void> write_new_file(const std::string& path, const std::string& text) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return fail(ErrorCode::kIo, "the file exists already: choose another --output or remove it",
                path);
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) return fail(ErrorCode::kIo, "cannot write the file: check the folder", path);
  return {};
}

}  // namespace keel::ops
