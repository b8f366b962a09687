// keel lint: the operation migration (docs/operations_format.md) that replaces a breaking
// statement, appended to the fix of the rules that report one (rename-column, rename-table,
// alter-column-type, set-not-null, drop-column, check-without-not-valid,
// foreign-key-without-not-valid, unique-without-index).
#pragma once

#include <string>
#include <string_view>

namespace keel::lint {

// "; or keep every running version working with an operation migration: `rename_column:
// {table: users, from: mail, to: email}` (keel convert FILE.sql writes it)".
// `fields` is the operation's body in YAML flow style, without braces.
std::string operation_hint(std::string_view operation, std::string_view fields);

// A table as operation files name it: "public.users" -> "users", "app.users" stays.
std::string operation_table(std::string_view qualified);

}  // namespace keel::lint
