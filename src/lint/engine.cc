// The lint engine: parses a script once with libpg_query, walks its
// statements in order, runs every rule on each, and keeps the state later
// statements depend on (tables created here, an open BEGIN, validated
// NOT NULL checks).
#include <fmt/format.h>
#include <pg_query.h>

#include <algorithm>
#include <deque>

#include "dialects/split.h"
#include "lint/engine.h"
#include "util/quote.h"
#include "util/utf8.h"

namespace keel::lint {

void MemoryDeleter::operator()(Memory* memory) const { delete memory; }
MemoryPtr new_memory() { return MemoryPtr(new Memory()); }

namespace {

// An empty object: value() and iteration work on it like on a missing node.
const Json kNull = Json::object();

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Rule ids named by "-- keel:ignore a, b" lines in sql[begin, end); "*" for
// a bare "-- keel:ignore".
std::set<std::string> ignored_rules(std::string_view sql, size_t begin, size_t end) {
  std::set<std::string> out;
  size_t pos = begin;
  while (pos < end) {
    size_t found = sql.find("--", pos);
    if (found == std::string_view::npos || found >= end) break;
    size_t eol = std::min(sql.find('\n', found), end);
    std::string_view line = sql.substr(found + 2, eol - found - 2);
    size_t start = line.find_first_not_of(" \t");
    if (start != std::string_view::npos && line.substr(start).starts_with("keel:ignore")) {
      std::string_view rest = line.substr(start + 11);
      if (rest.empty() || rest.front() == ' ' || rest.front() == '\t') {
        bool any = false;
        size_t i = 0;
        while (i < rest.size()) {
          size_t a = rest.find_first_not_of(" \t,\r", i);
          if (a == std::string_view::npos) break;
          size_t b = rest.find_first_of(" \t,\r", a);
          if (b == std::string_view::npos) b = rest.size();
          out.insert(std::string(rest.substr(a, b - a)));
          any = true;
          i = b;
        }
        if (!any) out.insert("*");
      }
    }
    pos = eol + 1;
  }
  return out;
}

std::string syntax_fix(std::string_view statement) {
  std::string text = lower(statement);
  if (text.find("add index") != std::string::npos || text.find("add key") != std::string::npos ||
      text.find("auto_increment") != std::string::npos || text.find('`') != std::string::npos) {
    return "this looks like MySQL syntax; in PostgreSQL write CREATE INDEX CONCURRENTLY name ON "
           "table (columns), identity columns instead of AUTO_INCREMENT, and \"double quotes\" "
           "for identifiers";
  }
  return "correct the statement: PostgreSQL rejects it before anything runs";
}

// One statement's parse tree, or its syntax error.
struct Parsed {
  Json tree;
  Stmt stmt;
  size_t raw_begin = 0;  // where its text starts, with the comments before it
  bool ok = false;
  size_t error_offset = 0;
  std::string message;
};

// Parses the statement at sql[begin, begin + length).
Parsed parse_statement(std::string_view sql, size_t begin, size_t length) {
  Parsed out;
  out.raw_begin = begin;
  std::string text(sql.substr(begin, length));
  size_t end = begin + text.size();
  out.stmt = Stmt{"", nullptr, begin,
                  dialects::skip_space_and_comments(sql.substr(0, end), begin, true), end};
  PgQueryParseResult result = pg_query_parse(text.c_str());
  if (result.error != nullptr) {
    out.error_offset = begin + util::char_to_byte_offset(text, result.error->cursorpos);
    out.message = result.error->message != nullptr ? result.error->message : "syntax error";
    pg_query_free_parse_result(result);
    return out;
  }
  out.tree = Json::parse(result.parse_tree, nullptr, false);
  pg_query_free_parse_result(result);
  if (out.tree.is_discarded()) {
    out.error_offset = out.stmt.begin;
    out.message = "cannot read libpg_query's parse tree";
    return out;
  }
  const Json& stmts = field(out.tree, "stmts");
  if (stmts.empty()) return out;  // only comments
  const Json& stmt = field(stmts[0], "stmt");
  if (stmt.empty()) return out;
  auto it = stmt.begin();
  out.stmt.kind = it.key();
  out.stmt.body = &it.value();
  out.ok = true;
  return out;
}

// True when `text` is COPY ... FROM STDIN: its rows follow it in the script
// as a psql data stream, not as SQL.
bool copy_from_stdin(std::string_view text) {
  size_t start = dialects::skip_space_and_comments(text, 0, true);
  if (lower(text.substr(start, 4)) != "copy") return false;
  std::string sql(text);
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  bool found = false;
  if (result.error == nullptr) {
    Json tree = Json::parse(result.parse_tree, nullptr, false);
    const Json& stmts = field(tree, "stmts");
    const Json& copy = stmts.empty() ? kNull : field(field(stmts[0], "stmt"), "CopyStmt");
    found = copy.value("is_from", false) && !copy.contains("filename") &&
            !copy.value("is_program", false);
  }
  pg_query_free_parse_result(result);
  return found;
}

// Where the rows of a COPY ... FROM STDIN ending at `from` stop: after the
// line "\." that ends them, or at the end of the script.
size_t after_copy_data(std::string_view sql, size_t from) {
  size_t eol = sql.find('\n', from);
  while (eol != std::string_view::npos) {
    size_t start = eol + 1;
    eol = sql.find('\n', start);
    std::string_view line = sql.substr(start, std::min(eol, sql.size()) - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line == "\\.") return std::min(eol, sql.size());
  }
  return sql.size();
}

// Where each statement starts and how long it is: the parser's splitter, or
// when the script does not parse, the scanner's (so one bad statement does
// not hide the others). The scanner keeps a statement open while a
// parenthesis is: such a statement is cut at the first ';' at or after its
// syntax error, and the rest is split again. When not even the scanner can
// split it (an unterminated string or comment), the rest is one piece. The
// rows after a COPY ... FROM STDIN are skipped (the rule copy-from-stdin
// reports the statement).
std::vector<std::pair<size_t, size_t>> split(const std::string& sql) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t pos = 0;
  while (pos < sql.size()) {
    std::string rest = sql.substr(pos);
    bool scanned = false;
    PgQuerySplitResult result = pg_query_split_with_parser(rest.c_str());
    if (result.error != nullptr) {
      pg_query_free_split_result(result);
      result = pg_query_split_with_scanner(rest.c_str());
      scanned = true;
    }
    if (result.error != nullptr) {
      pg_query_free_split_result(result);
      out.emplace_back(pos, sql.size() - pos);
      break;
    }
    size_t covered = pos;
    size_t next = std::string::npos;
    for (int i = 0; i < result.n_stmts; ++i) {
      size_t begin = pos + static_cast<size_t>(result.stmts[i]->stmt_location);
      size_t length = static_cast<size_t>(result.stmts[i]->stmt_len);
      if (length == 0) length = sql.size() - begin;
      out.emplace_back(begin, length);
      covered = begin + length;
      if (copy_from_stdin(std::string_view(sql).substr(begin, length))) {
        next = after_copy_data(sql, covered);
        break;
      }
    }
    pg_query_free_split_result(result);
    if (next != std::string::npos) {
      pos = next;
      continue;
    }
    if (!scanned) break;
    if (covered < sql.size() && sql[covered] == ';') ++covered;
    size_t tail = dialects::skip_space_and_comments(sql, covered, true);
    if (tail >= sql.size()) break;
    std::string text = sql.substr(tail);
    PgQueryParseResult parsed = pg_query_parse(text.c_str());
    size_t end = sql.size();
    if (parsed.error != nullptr) {
      size_t at = tail + util::char_to_byte_offset(text, parsed.error->cursorpos);
      size_t semicolon = sql.find(';', at);
      if (semicolon != std::string::npos) end = semicolon + 1;
    }
    pg_query_free_parse_result(parsed);
    out.emplace_back(tail, end - tail);
    pos = end;
  }
  return out;
}

std::string index_name(const Json& index_stmt) {
  std::string schema = field(index_stmt, "relation").value("schemaname", "public");
  return schema + "." + index_stmt.value("idxname", "");
}

// State later statements depend on, updated after the rules saw `stmt`.
void update_state(Context& ctx, const Stmt& stmt) {
  ScriptState& state = ctx.state();
  const Json& body = *stmt.body;
  if (stmt.kind == "TransactionStmt") {
    std::string kind = body.value("kind", "");
    if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") {
      state.transaction_line = ctx.line_of(stmt.begin);
    } else if (kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_ROLLBACK" ||
               kind == "TRANS_STMT_PREPARE") {
      state.transaction_line = 0;
    }
  } else if (stmt.kind == "CreateStmt") {
    state.new_tables.insert(Context::table(field(body, "relation")));
    state.made.tables.insert(Context::table(field(body, "relation")));
  } else if (stmt.kind == "CreateSchemaStmt") {
    state.made.schemas.insert(body.value("schemaname", ""));
  } else if (stmt.kind == "CreateTableAsStmt") {
    state.new_tables.insert(Context::table(field(field(body, "into"), "rel")));
    state.made.tables.insert(Context::table(field(field(body, "into"), "rel")));
  } else if (stmt.kind == "IndexStmt" && body.contains("idxname")) {
    state.new_indexes[index_name(body)] = Context::table(field(body, "relation"));
  } else if (stmt.kind == "CreateFunctionStmt") {
    Volatility v = Volatility::kVolatile;
    for (const Json& option : field(body, "options")) {
      const Json& def = field(option, "DefElem");
      if (def.value("defname", "") != "volatility") continue;
      std::string level = sval(field(def, "arg"));
      v = level == "immutable" ? Volatility::kImmutable
          : level == "stable"  ? Volatility::kStable
                               : Volatility::kVolatile;
    }
    const Json& name = field(body, "funcname");
    std::string qualified = name.size() >= 2 ? dotted(name) : "public." + dotted(name);
    state.functions[qualified] = v;
  } else if (stmt.kind == "AlterTableStmt") {
    std::string table = Context::table(field(body, "relation"));
    Memory& memory = ctx.memory();
    for_each_cmd(body, [&](const std::string& subtype, const Json& cmd) {
      const Json& def = field(cmd, "def");
      if (subtype == "AT_AddColumn") {
        const Json& column = field(def, "ColumnDef");
        if (!state.new_tables.contains(table)) {
          state.made.columns.insert(table + "." + column.value("colname", ""));
        }
        memory.column_types[table + "." + column.value("colname", "")] =
            type_of(field(column, "typeName"));
      } else if (subtype == "AT_AlterColumnType") {
        memory.column_types[table + "." + cmd.value("name", "")] =
            type_of(field(field(def, "ColumnDef"), "typeName"));
      } else if (subtype == "AT_AddConstraint") {
        const Json& c = field(def, "Constraint");
        const Json& test = field(field(c, "raw_expr"), "NullTest");
        if (c.value("contype", "") != "CONSTR_CHECK" ||
            test.value("nulltesttype", "") != "IS_NOT_NULL") {
          return;
        }
        const Json& fields = field(field(field(test, "arg"), "ColumnRef"), "fields");
        if (fields.size() != 1) return;
        std::string column = table + "." + sval(fields[0]);
        if (!c.value("skip_validation", false)) {
          memory.proven_not_null.insert(column);
        } else if (c.contains("conname")) {
          memory.not_null_checks[table + "/" + c.value("conname", "")] = column;
        }
      } else if (subtype == "AT_ValidateConstraint") {
        auto it = memory.not_null_checks.find(table + "/" + cmd.value("name", ""));
        if (it != memory.not_null_checks.end()) memory.proven_not_null.insert(it->second);
      }
    });
  }
  if (stmt.kind == "CreateStmt") {
    std::string table = Context::table(field(body, "relation"));
    for (const Json& element : field(body, "tableElts")) {
      const Json& column = field(element, "ColumnDef");
      if (!column.empty()) {
        ctx.memory().column_types[table + "." + column.value("colname", "")] =
            type_of(field(column, "typeName"));
      }
    }
  }
}

std::vector<size_t> line_starts(std::string_view sql) {
  std::vector<size_t> out{0};
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '\n') out.push_back(i + 1);
  }
  return out;
}

}  // namespace

const Json& field(const Json& j, std::string_view key) {
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string sval(const Json& node) { return field(node, "String").value("sval", ""); }

std::string dotted(const Json& list) {
  std::string out;
  for (const Json& item : list) {
    if (!out.empty()) out += '.';
    out += sval(item);
  }
  return out;
}

std::vector<const Json*> column_constraints(const Json& column_def) {
  std::vector<const Json*> out;
  for (const Json& c : field(column_def, "constraints")) {
    const Json& constraint = field(c, "Constraint");
    if (!constraint.empty()) out.push_back(&constraint);
  }
  return out;
}

ColumnType type_of(const Json& type_name) {
  ColumnType type;
  const Json& names = field(type_name, "names");
  if (!names.empty()) type.name = sval(names.back());
  for (const Json& mod : field(type_name, "typmods")) {
    const Json& value = field(field(mod, "A_Const"), "ival");
    type.mods.push_back(value.value("ival", 0));
  }
  return type;
}

std::string type_text(const ColumnType& type) {
  std::string out = type.name;
  for (size_t i = 0; i < type.mods.size(); ++i) {
    out += i == 0 ? "(" : ",";
    out += std::to_string(type.mods[i]);
  }
  if (!type.mods.empty()) out += ")";
  return out;
}

std::string refuses_transaction(std::string_view kind, const Json& body) {
  if (kind == "IndexStmt" && body.value("concurrent", false)) return "CREATE INDEX CONCURRENTLY";
  if (kind == "DropStmt" && body.value("concurrent", false)) return "DROP INDEX CONCURRENTLY";
  if (kind == "ReindexStmt") {
    for (const Json& param : field(body, "params")) {
      if (field(param, "DefElem").value("defname", "") == "concurrently") {
        return "REINDEX CONCURRENTLY";
      }
    }
    return {};
  }
  if (kind == "VacuumStmt") return body.value("is_vacuumcmd", false) ? "VACUUM" : "";
  if (kind == "AlterTableStmt") {
    for (const Json& item : field(body, "cmds")) {
      const Json& cmd = field(item, "AlterTableCmd");
      if (cmd.value("subtype", "") == "AT_DetachPartition" &&
          field(field(cmd, "def"), "PartitionCmd").value("concurrent", false)) {
        return "DETACH PARTITION CONCURRENTLY";
      }
    }
    return {};
  }
  if (kind == "CreatedbStmt") return "CREATE DATABASE";
  if (kind == "DropdbStmt") return "DROP DATABASE";
  if (kind == "CreateTableSpaceStmt") return "CREATE TABLESPACE";
  if (kind == "DropTableSpaceStmt") return "DROP TABLESPACE";
  if (kind == "AlterSystemStmt") return "ALTER SYSTEM";
  return {};
}

std::string access_exclusive(const std::string& table) {
  return fmt::format(
      "takes an ACCESS EXCLUSIVE lock on {}: blocks every read and write of it until the "
      "migration commits",
      table);
}

Context::Context(const migrate::Script& script, const LintOptions& options, ScriptState& state,
                 Memory& memory, std::vector<Finding>& out, const std::vector<size_t>& line_starts)
    : script_(script),
      options_(options),
      state_(state),
      memory_(memory),
      out_(out),
      line_starts_(line_starts) {}

void Context::set_stmt(const Stmt& stmt, std::set<std::string> ignored) {
  stmt_ = &stmt;
  ignored_ = std::move(ignored);
}

int Context::line_of(size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return script_.first_line + static_cast<int>(it - line_starts_.begin()) - 1;
}

bool Context::suppressed(std::string_view rule) const {
  std::string id(rule);
  return ignored_.contains(id) || ignored_.contains("*") ||
         std::find(options_.disabled.begin(), options_.disabled.end(), id) !=
             options_.disabled.end();
}

void Context::report(std::string_view rule, size_t offset, std::string message, std::string fix,
                     std::optional<Severity> severity) {
  if (suppressed(rule)) return;
  std::string id(rule);
  const RuleInfo* info = find_rule(rule);
  offset = std::min(offset, script_.sql.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - 1;
  int column = 1;
  for (size_t i = *it; i < offset; ++i) {
    if ((static_cast<unsigned char>(script_.sql[i]) & 0xC0) != 0x80) ++column;
  }
  out_.push_back(Finding{
      .rule = id,
      .severity = severity ? *severity : (info != nullptr ? info->severity : Severity::kError),
      .file = script_.path,
      .line = script_.first_line + static_cast<int>(it - line_starts_.begin()),
      .column = column,
      .message = std::move(message),
      .fix = std::move(fix)});
}

size_t Context::at(const Json& node) const {
  if (node.is_object()) {
    auto it = node.find("location");
    if (it != node.end() && it->is_number_integer() && it->get<int>() >= 0) {
      return stmt_->base + it->get<size_t>();
    }
  }
  return stmt_->begin;
}

std::string Context::sql_table(const Json& range_var) {
  std::string name = quote_identifier(range_var.value("relname", ""));
  std::string schema = range_var.value("schemaname", "");
  return schema.empty() ? name : quote_identifier(schema) + "." + name;
}

std::string Context::sql_relation() const { return sql_table(field(body(), "relation")); }

std::string Context::table(const Json& range_var) {
  return range_var.value("schemaname", "public") + "." + range_var.value("relname", "");
}

std::optional<ColumnType> Context::column_type(const std::string& table,
                                               const std::string& column) {
  auto it = memory_.column_types.find(table + "." + column);
  if (it != memory_.column_types.end()) return it->second;
  if (options_.catalog == nullptr) return std::nullopt;
  size_t dot = table.find('.');
  auto found = options_.catalog->column_type(table.substr(0, dot), table.substr(dot + 1), column);
  if (found) return *found;
  if (!state_.catalog_error) state_.catalog_error = found.error();
  return std::nullopt;
}

std::vector<Finding> lint_script(const migrate::Script& script, const LintOptions& options,
                                 Memory* memory) {
  return lint_paired(script, options, memory, nullptr, nullptr);
}

std::vector<Finding> lint_paired(const migrate::Script& script, const LintOptions& options,
                                 Memory* memory, const Made* up_made, Made* made,
                                 std::optional<Error>* catalog_error) {
  std::vector<Finding> out;
  MemoryPtr own;
  if (memory == nullptr) {
    own = new_memory();
    memory = own.get();
  }
  std::vector<size_t> starts = line_starts(script.sql);
  ScriptState state;
  state.up_made = up_made;
  Context ctx(script, options, state, *memory, out, starts);
  // Statement by statement: parsing each alone is faster than one parse of a
  // big file, and only one parse tree is alive at a time.
  for (auto [begin, length] : split(script.sql)) {
    Parsed parsed = parse_statement(script.sql, begin, length);
    ctx.set_stmt(parsed.stmt, ignored_rules(script.sql, parsed.raw_begin, parsed.stmt.begin));
    if (!parsed.ok) {
      if (parsed.message.empty()) continue;  // comments only
      std::string_view text =
          std::string_view(script.sql)
              .substr(parsed.stmt.begin,
                      parsed.stmt.end - std::min(parsed.stmt.begin, parsed.stmt.end));
      ctx.report("syntax-error", parsed.error_offset,
                 fmt::format("{} (PostgreSQL refuses the statement; nothing in this migration "
                             "would run)",
                             parsed.message),
                 syntax_fix(text));
      continue;
    }
    const Stmt& stmt = parsed.stmt;
    if (refuses_transaction(stmt.kind, *stmt.body).empty() && stmt.kind != "TransactionStmt") {
      ++state.transactional_statements;
    }
    for (const Rule* rule : all_rules()) {
      if (rule->check != nullptr) rule->check(ctx);
    }
    update_state(ctx, stmt);
  }
  Stmt none{"", &kNull, 0, 0, 0};
  ctx.set_stmt(none, {});
  for (const Rule* rule : all_rules()) {
    if (rule->finish != nullptr) rule->finish(ctx);
  }
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  if (made != nullptr) *made = std::move(state.made);
  if (catalog_error != nullptr) *catalog_error = std::move(state.catalog_error);
  return out;
}

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "error";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kError}) {
    if (severity_name(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace keel::lint
