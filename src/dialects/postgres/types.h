// PostgreSQL 15 knowledge of built-in types and functions, in one place:
// parsing a type name, which type changes are binary-coercible (no table
// rewrite), which lose data silently, and the volatility of built-in
// functions. keel diff (src/dialects/postgres/ddl/) and keel lint (src/lint/)
// both ask this module, so they cannot disagree.
//
// No database is involved: user types (enums, domains, composites) are
// unknown here and treated conservatively (a change between two of them
// rewrites; a function this module does not know has no volatility).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/lint.h"  // keel::lint::Volatility

namespace keel::pg {

// A type as written in SQL or by format_type(): its canonical internal name
// ("varchar", "int4", "timestamptz"; a user type keeps its spelling, such as
// "public.mood"), its modifiers and its array dimensions.
struct PgType {
  std::string name;       // canonical: "varchar", "bpchar", "int8", "numeric", "public.mood"
  std::string spelled;    // as given, without modifiers or []: "character varying"
  std::vector<int> mods;  // varchar(20): {20}; numeric(10,2): {10, 2}; none: {}
  int array_dims = 0;     // integer[][]: 2
  bool operator==(const PgType& o) const {
    return name == o.name && mods == o.mods && array_dims == o.array_dims;
  }
};

// Parses "character varying(20)[]", "varchar(20)", "int", "int4",
// "timestamp(3) with time zone", "double precision", "public.mood",
// "pg_catalog.int8". Never fails: an unknown name is kept as spelled
// (lower-cased unless quoted).
PgType parse_type(std::string_view text);

// A type from its internal name and modifiers (libpg_query's TypeName or
// pg_type.typname: "int4", "varchar", "bpchar"), taken as it is (lower-cased,
// without "pg_catalog."): SQL aliases are not applied, since the internal
// "char" is not char(n).
PgType make_type(std::string_view name, std::vector<int> mods, int array_dims = 0);

// The canonical name of a built-in alias ("integer" -> "int4",
// "character varying" -> "varchar", "timestamp with time zone" ->
// "timestamptz"); any other name unchanged.
std::string canonical_type_name(std::string_view name);

// What ALTER COLUMN ... TYPE costs the table on PostgreSQL 15 without a
// USING clause.
enum class TableWork {
  kNone,     // the catalog changes only (binary-coercible, or a no-op length change)
  kScan,     // every row is read but none written (no type change is only this on 15;
             // SET NOT NULL and ADD CONSTRAINT are)
  kRewrite,  // every row is written again, with every index, under ACCESS EXCLUSIVE
};

// Whether values of `from` are valid values of `to` without conversion:
// varchar <-> text, varchar(n) -> varchar(m >= n) or unbounded, numeric(p,s)
// -> numeric(p2 >= p, s) or unbounded, varbit(n) -> varbit(m >= n),
// bit -> varbit of at least the same length, time/timestamp/timestamptz/
// timetz precision growth, cidr -> inet; same type and modifiers. Arrays of
// such types are too. User types only to themselves.
bool binary_coercible(const PgType& from, const PgType& to);

// kNone when binary_coercible, else kRewrite.
TableWork type_change_work(const PgType& from, const PgType& to);

// Why changing `from` to `to` can lose data without an error (rounds or
// cuts values, or keeps the value but not its text); empty when it cannot.
// Narrowing that fails loudly instead (bigint -> integer, a shorter varchar)
// is not listed. Types are named as spelled.
std::string lossy_change(const PgType& from, const PgType& to);

// The volatility pg_proc gives a built-in function of PostgreSQL 15 (or of
// the uuid-ossp / pgcrypto extensions' generators), by its unqualified name;
// nullopt when not known here.
std::optional<lint::Volatility> builtin_volatility(std::string_view function);

// The names of the functions an expression calls (deparsed SQL, such as a
// column default): each identifier directly followed by "(", outside
// string literals and quoted identifiers, with its schema when qualified
// ("pg_catalog.now", "nextval").
std::vector<std::string> called_functions(std::string_view expression);

}  // namespace keel::pg
