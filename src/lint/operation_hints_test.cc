// Issue 16 item 6: the lint rules that report a breaking statement name the operation that
// replaces it (rename_column, rename_table, alter_column, drop_column, create_constraint).
#include <gtest/gtest.h>

#include "keel/lint.h"

namespace keel::lint {
namespace {

// The fix of the one finding of `rule` for `sql`.
std::string fix_of(const std::string& rule, const std::string& sql) {
  migrate::Script script{.path = "m.sql", .sql = sql};
  std::string fix;
  int found = 0;
  for (const auto& f : lint_script(script, {})) {
    if (f.rule != rule) continue;
    fix = f.fix;
    ++found;
  }
  EXPECT_EQ(found, 1) << rule << " on " << sql;
  return fix;
}

std::string hint(const std::string& fix) {
  size_t at = fix.find("; or keep every running version working with an operation migration: ");
  return at == std::string::npos ? "" : fix.substr(at);
}

constexpr const char* kTail = " (keel convert FILE.sql writes it)";

TEST(OperationHintsTest, RenameColumn) {
  EXPECT_EQ(hint(fix_of("rename-column", "ALTER TABLE users RENAME COLUMN mail TO email;")),
            std::string("; or keep every running version working with an operation migration: "
                        "`rename_column: {table: users, from: mail, to: email}`") +
                kTail);
}

TEST(OperationHintsTest, RenameTableKeepsANonPublicSchema) {
  EXPECT_EQ(hint(fix_of("rename-table", "ALTER TABLE app.customers RENAME TO clients;")),
            std::string("; or keep every running version working with an operation migration: "
                        "`rename_table: {from: app.customers, to: clients}`") +
                kTail);
}

TEST(OperationHintsTest, AlterColumnTypeWithARewrite) {
  EXPECT_EQ(hint(fix_of("alter-column-type", "ALTER TABLE u ALTER COLUMN id TYPE bigint;")),
            std::string("; or keep every running version working with an operation migration: "
                        "`alter_column: {table: u, column: id, type: int8, up: \"CAST(id AS "
                        "int8)\", down: \"CAST(id AS <old type>)\"}`") +
                kTail);
}

TEST(OperationHintsTest, SetNotNull) {
  EXPECT_EQ(hint(fix_of("set-not-null", "ALTER TABLE users ALTER COLUMN email SET NOT NULL;")),
            std::string("; or keep every running version working with an operation migration: "
                        "`alter_column: {table: users, column: email, nullable: false, up: "
                        "\"COALESCE(email, <value for NULL>)\", down: email}`") +
                kTail);
}

TEST(OperationHintsTest, DropColumn) {
  EXPECT_EQ(hint(fix_of("drop-column", "ALTER TABLE users DROP COLUMN age;")),
            std::string("; or keep every running version working with an operation migration: "
                        "`drop_column: {table: users, column: age, down: <value old versions "
                        "write>}`") +
                kTail);
}

TEST(OperationHintsTest, AddConstraintOnAnExistingTable) {
  EXPECT_EQ(hint(fix_of("check-without-not-valid",
                        "ALTER TABLE orders ADD CONSTRAINT positive CHECK (amount > 0);")),
            std::string("; or keep every running version working with an operation migration: "
                        "`create_constraint: {table: orders, name: positive, type: check, "
                        "columns: [...], check: ..., up: {column: <fixing expression>}, down: "
                        "{column: column}}`") +
                kTail);
  EXPECT_EQ(hint(fix_of("foreign-key-without-not-valid",
                        "ALTER TABLE orders ADD CONSTRAINT o_fk FOREIGN KEY (u) REFERENCES "
                        "users (id);")),
            std::string("; or keep every running version working with an operation migration: "
                        "`create_constraint: {table: orders, name: o_fk, type: foreign_key, "
                        "columns: [...], references: {table: users, columns: [...]}, up: "
                        "{...}, down: {...}}`") +
                kTail);
  EXPECT_EQ(hint(fix_of("unique-without-index", "ALTER TABLE orders ADD UNIQUE (a);")),
            std::string("; or keep every running version working with an operation migration: "
                        "`create_constraint: {table: orders, name: name, type: unique, columns: "
                        "[...], up: {...}, down: {...}}`") +
                kTail);
}

TEST(OperationHintsTest, NoHintWhereNoOperationApplies) {
  // A new table's column, a primary key, an index: no breaking change for running versions.
  EXPECT_EQ(hint(fix_of("unique-without-index", "ALTER TABLE orders ADD PRIMARY KEY (id);")), "");
  EXPECT_EQ(hint(fix_of("create-index-not-concurrent", "CREATE INDEX i ON t (a);")), "");
}

}  // namespace
}  // namespace keel::lint
