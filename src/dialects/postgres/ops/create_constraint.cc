// create_constraint: a UNIQUE, CHECK or FOREIGN KEY constraint over columns of an existing
// table. Each of the columns is rebuilt beside itself (RebuiltColumn: _keel_new_<c>, same type,
// NOT NULL and default), filled from `up` (the old row's values made to satisfy the
// constraint) for existing rows and old writers, and the old column from `down` for new
// writers. The constraint is built on the new columns at start, online: CHECK and FOREIGN KEY
// NOT VALID, then VALIDATE after the backfill; UNIQUE as a concurrent unique index that
// finalize turns into the constraint. New writers are held to it from start; old writers never
// are (their columns have no constraint). complete swaps the names, revert swaps them back,
// finalize drops the old columns, abort drops the new ones (and the constraint with them).
#include <fmt/format.h>

#include <algorithm>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

using keel::ops::CreateConstraint;

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + quote_identifier(n);
  return out;
}

class CreateConstraintOp final : public RebuildingOperation {
 public:
  CreateConstraintOp(CreateConstraint op, std::string schema)
      : op_(std::move(op)), schema_(std::move(schema)) {
    for (const std::string& c : op_.columns) {
      auto up = op_.up.find(c);
      auto down = op_.down.find(c);
      columns_.add(ColumnChange{op_.table, c, std::nullopt, std::nullopt, std::nullopt,
                                std::nullopt, up == op_.up.end() ? quote_identifier(c) : up->second,
                                down == op_.down.end() ? quote_identifier(c) : down->second});
    }
  }

  std::string what() const override {
    const char* kind = op_.type == CreateConstraint::Type::kUnique  ? "unique"
                       : op_.type == CreateConstraint::Type::kCheck ? "check"
                                                                    : "foreign key";
    std::string cols;
    for (const auto& c : op_.columns) cols += (cols.empty() ? "" : ", ") + display_identifier(c);
    return fmt::format("{} {} on {} ({})", kind, display_identifier(op_.name),
                       display_identifier(op_.table), cols);
  }
  Result<void> check(Context& ctx) const override {
    if (op_.columns.empty()) {
      return usage("`columns` must name at least one column");
    }
    for (const std::string& c : op_.columns) {
      if (auto t = ctx.column_type(op_.table, c); !t) return std::unexpected(t.error());
    }
    for (const auto* map : {&op_.up, &op_.down}) {
      for (const auto& [column, expression] : *map) {
        if (std::find(op_.columns.begin(), op_.columns.end(), column) == op_.columns.end()) {
          return usage(fmt::format("`up`/`down` name column {}, which is not in `columns`",
                                   display_identifier(column)));
        }
      }
    }
    switch (op_.type) {
      case CreateConstraint::Type::kCheck:
        if (!op_.check) return usage("a check constraint needs `check`");
        if (auto e = check_expression(); !e) return std::unexpected(e.error());
        break;
      case CreateConstraint::Type::kForeignKey:
        if (!op_.references) return usage("a foreign key needs `references`");
        if (!op_.references->on_delete_set_columns.empty()) {
          return usage("ON DELETE SET NULL/SET DEFAULT with a column list is not supported yet");
        }
        if (op_.references->columns.size() != op_.columns.size()) {
          return usage("`references.columns` must list as many columns as `columns`");
        }
        break;
      case CreateConstraint::Type::kUnique:
        break;
    }
    return {};
  }
  Result<std::vector<Step>> start(Context& ctx) const override {
    auto steps = columns_.start(ctx);
    if (!steps) return steps;
    const QualifiedName table = ctx.relation(op_.table);
    std::vector<std::string> hidden;
    for (const auto& c : op_.columns) hidden.push_back(columns_.hidden_new(c));
    switch (op_.type) {
      case CreateConstraint::Type::kCheck: {
        auto expression = check_expression();
        if (!expression) return std::unexpected(expression.error());
        add_validated_constraint(
            *steps, table, op_.name,
            fmt::format("CHECK ({}){}", *expression, op_.no_inherit ? " NO INHERIT" : ""));
        break;
      }
      case CreateConstraint::Type::kForeignKey: {
        const auto& r = *op_.references;
        add_validated_constraint(
            *steps, table, op_.name,
            fmt::format("FOREIGN KEY ({}) REFERENCES {} ({}){}", joined(hidden),
                        quote_qualified(schema_, r.table), joined(r.columns),
                        foreign_key_options(r.match_type, r.on_delete, r.on_update, false, false)));
        break;
      }
      case CreateConstraint::Type::kUnique: {
        std::string rest;
        if (op_.index_parameters) {
          const auto& p = *op_.index_parameters;
          if (!p.include_columns.empty()) rest += " INCLUDE (" + joined(p.include_columns) + ")";
          if (!p.storage_parameters.empty()) rest += " WITH (" + p.storage_parameters + ")";
          if (!p.tablespace.empty()) rest += " TABLESPACE " + quote_identifier(p.tablespace);
        }
        add_unique_index(*steps, table, op_.name, joined(hidden), rest);
        break;
      }
    }
    return steps;
  }
  Result<std::vector<Step>> finalize(Context& ctx) const override {
    std::vector<Step> steps = columns_.finalize(ctx);
    if (op_.type == CreateConstraint::Type::kUnique) {
      // Not at complete: revert and a second complete would find the index already used.
      steps.push_back(unique_using_index(ctx.relation(op_.table), op_.name));
    }
    return steps;
  }

 private:
  Result<void> usage(const std::string& message) const {
    return fail(ErrorCode::kUsage,
                fmt::format("create_constraint {} on {}: {}", op_.name, op_.table, message));
  }
  // The CHECK over the new columns (the expression names them as the table does).
  Result<std::string> check_expression() const {
    std::map<std::string, std::string> renames;
    for (const auto& c : op_.columns) renames[c] = columns_.hidden_new(c);
    auto e = rename_columns(*op_.check, renames);
    if (!e) {
      Error err = e.error();
      err.message = fmt::format("create_constraint {}: {}", op_.name, err.message);
      return std::unexpected(err);
    }
    return e;
  }

  CreateConstraint op_;
  std::string schema_;
};

}  // namespace

std::unique_ptr<Operation> make_create_constraint(const CreateConstraint& op,
                                                  const std::string& schema) {
  return std::make_unique<CreateConstraintOp>(op, schema);
}

}  // namespace keel::pg::ops
