// keel: the dialect-neutral schema model.
//
// Inspectors (src/dialects/*) fill these structs from the catalogs; the model
// code (src/model) turns them into the canonical form, hashes and compares
// them. Nothing here knows about a database client.
//
// Conventions that make the canonical form independent of how a database got
// to its state:
//  - every collection is a std::map keyed by the object's name, so creation
//    order and OIDs never show;
//  - Column::position counts live columns only (1, 2, 3 ...), so holes left by
//    dropped columns vanish;
//  - text that the server can normalise (view bodies, constraint and index
//    definitions, defaults) is stored in the server's normalised form, with
//    names qualified as if search_path were empty;
//  - an empty string, false or an empty collection means "not set" and is left
//    out of the canonical JSON.
//
// Properties only one dialect has (MySQL's ENGINE, a charset, AUTO_INCREMENT)
// go in `dialect_options` (name -> value, as the dialect's inspector writes
// them), so a dialect needs no model change for them: compared, hashed and
// named by drift like any other property, and left out of the canonical form
// (so out of every existing hash) while empty.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace keel::model {

// Bump when the canonical form changes meaning; it is part of the hash.
inline constexpr int kCanonicalVersion = 2;

struct Column {
  int position = 0;  // 1-based order among live columns
  std::string type;  // with modifiers: "character varying(120)", "numeric(12,2)"
  bool not_null = false;
  std::string default_expr;       // normalised default expression; empty if none
  std::string identity;           // "", "always" or "by default"
  std::string identity_sequence;  // identity sequence parameters, "start 1 increment 1 ..."
  std::string generated;          // generated column expression ("stored"); empty if none
  std::string collation;          // only when it differs from the type's default collation
  std::string comment;
  // Physical properties, each only when set away from its default.
  std::string storage;          // "plain", "external", "extended", "main": not the type's
  std::string default_storage;  // the type's storage, kept beside `storage` (set back to it)
  std::string compression;      // "pglz", "lz4"
  int64_t statistics = -1;      // per-column statistics target; -1: the server's default
  std::string options;          // attribute options: "n_distinct=100" (sorted)
  std::map<std::string, std::string> dialect_options;  // see the top of this file

  bool operator==(const Column&) const = default;
};

struct Constraint {
  std::string type;        // "primary key", "unique", "check", "foreign key", "exclusion"
  std::string definition;  // server-normalised, e.g. "CHECK ((amount >= (0)::numeric))"
  std::vector<std::string> columns;
  // Foreign keys only.
  std::string ref_table;  // "schema.table"
  std::vector<std::string> ref_columns;
  std::string on_update;  // "no action", "restrict", "cascade", "set null", "set default"
  std::string on_delete;
  std::string match;  // "simple", "full", "partial"
  bool deferrable = false;
  bool initially_deferred = false;
  bool validated = true;  // false: added NOT VALID and not validated yet
  std::string comment;

  bool operator==(const Constraint&) const = default;
};

struct Index {
  std::string definition;  // full normalised CREATE INDEX statement
  std::string method;      // "btree", "gin", ...
  bool unique = false;
  bool primary = false;
  std::vector<std::string> columns;  // key columns or expressions, in order
  std::vector<std::string> include;  // INCLUDE columns
  std::string predicate;             // partial index WHERE clause
  bool valid = true;                 // false: a failed CREATE INDEX CONCURRENTLY left it
  std::string options;               // storage parameters
  std::string comment;

  bool operator==(const Index&) const = default;
};

struct Trigger {
  std::string definition;  // full normalised CREATE TRIGGER statement
  std::string enabled;     // "origin" (default), "disabled", "replica", "always"
  std::string comment;

  bool operator==(const Trigger&) const = default;
};

struct Policy {
  std::string command;  // "all", "select", "insert", "update", "delete"
  bool permissive = true;
  std::vector<std::string> roles;
  std::string using_expr;
  std::string check_expr;
  std::string comment;

  bool operator==(const Policy&) const = default;
};

// CREATE STATISTICS on a table, keyed by its name.
struct Statistics {
  std::string definition;  // "CREATE STATISTICS public.s (ndistinct) ON a, b FROM public.t"
  int64_t target = -1;     // ALTER STATISTICS ... SET STATISTICS; -1: the default
  std::string comment;

  bool operator==(const Statistics&) const = default;
};

// A rewrite rule of a table or view (not a view's own SELECT rule), by name.
struct Rule {
  std::string definition;  // server-normalised CREATE RULE statement
  std::string enabled;     // as Trigger::enabled
  std::string comment;

  bool operator==(const Rule&) const = default;
};

struct Table {
  std::string kind;         // "table", "partitioned table", "foreign table"
  std::string persistence;  // "permanent", "unlogged"
  bool rls_enabled = false;
  bool rls_forced = false;
  std::string partition_key;          // "RANGE (created_at)" for partitioned tables
  std::string partition_bound;        // "FOR VALUES FROM (...) TO (...)" for partitions
  std::string parent;                 // "schema.table" of the partitioned parent
  std::vector<std::string> inherits;  // plain inheritance parents
  std::string options;                // storage parameters
  std::string toast_options;          // the TOAST table's storage parameters, without "toast."
  std::string replica_identity;       // "", "nothing", "full" or "index <index name>"
  std::string cluster_index;          // the index CLUSTER uses (ALTER TABLE ... CLUSTER ON)
  std::string of_type;                // "schema.type" of a typed table (CREATE TABLE ... OF)
  std::string comment;
  std::map<std::string, std::string> dialect_options;  // see the top of this file
  std::map<std::string, Column> columns;
  std::map<std::string, Constraint> constraints;
  std::map<std::string, Index> indexes;
  std::map<std::string, Trigger> triggers;
  std::map<std::string, Policy> policies;
  std::map<std::string, Statistics> statistics;
  std::map<std::string, Rule> rules;

  bool operator==(const Table&) const = default;
};

struct View {
  bool materialized = false;
  bool with_no_data = false;  // a materialized view never refreshed (WITH NO DATA)
  std::string definition;     // server-normalised SELECT
  std::string options;
  std::string comment;
  std::map<std::string, std::string> column_comments;  // column -> comment
  std::map<std::string, std::string> column_defaults;  // column -> default (views only)
  std::map<std::string, Index> indexes;                // materialized views only
  std::map<std::string, Trigger> triggers;             // INSTEAD OF triggers
  std::map<std::string, Rule> rules;

  bool operator==(const View&) const = default;
};

struct Sequence {
  std::string type;  // "bigint"
  int64_t start = 1;
  int64_t increment = 1;
  int64_t min_value = 1;
  int64_t max_value = 0;
  int64_t cache = 1;
  bool cycle = false;
  std::string owned_by;     // "schema.table.column" or empty
  std::string persistence;  // "unlogged" or empty
  std::string comment;

  bool operator==(const Sequence&) const = default;
};

// Functions, procedures and aggregates; keyed by "name(identity arguments)".
struct Function {
  std::string kind;       // "function", "procedure", "aggregate", "window"
  std::string arguments;  // full argument list with names and defaults
  std::string result;     // result type; empty for procedures
  std::string language;
  std::string volatility;  // "immutable", "stable", "volatile"
  bool strict = false;
  bool security_definer = false;
  bool leakproof = false;
  std::string parallel;             // "safe", "restricted", "unsafe"
  std::string cost;                 // COST, only when not the language's default (1 or 100)
  std::string rows;                 // ROWS of a set-returning function, only when not 1000
  std::vector<std::string> config;  // SET clauses: "search_path=public"
  std::string body;
  std::string comment;

  bool operator==(const Function&) const = default;
};

struct CompositeAttribute {
  std::string name;
  std::string type;
  std::string collation;

  bool operator==(const CompositeAttribute&) const = default;
};

struct Type {
  std::string kind;                            // "enum", "domain", "composite", "range"
  std::vector<std::string> labels;             // enum values in sort order
  std::string base_type;                       // domains; subtype for ranges
  bool not_null = false;                       // domains
  std::string default_expr;                    // domains
  std::string collation;                       // domains
  std::string subtype_diff;                    // ranges: "schema.function" or empty
  std::map<std::string, std::string> checks;   // domain constraint name -> definition
  std::vector<CompositeAttribute> attributes;  // composite types, in order
  std::string comment;

  bool operator==(const Type&) const = default;
};

struct Extension {
  std::string version;
  std::string schema;
  std::string comment;

  bool operator==(const Extension&) const = default;
};

// A collation created in a schema (CREATE COLLATION), by name.
struct Collation {
  std::string provider;  // "libc" or "icu"
  std::string locale;    // ICU: the locale; libc: LC_COLLATE, and "/ LC_CTYPE" when it differs
  bool deterministic = true;
  std::string comment;

  bool operator==(const Collation&) const = default;
};

struct Schema {
  std::string comment;
  std::map<std::string, Table> tables;
  std::map<std::string, View> views;
  std::map<std::string, Sequence> sequences;
  std::map<std::string, Function> functions;
  std::map<std::string, Type> types;
  std::map<std::string, Collation> collations;

  bool operator==(const Schema&) const = default;
};

// A logical-replication publication, by name.
struct Publication {
  bool all_tables = false;           // FOR ALL TABLES
  std::vector<std::string> schemas;  // FOR TABLES IN SCHEMA, sorted
  // Published table (quoted, qualified) -> its column list and row filter,
  // as written after the name: " (a, b) WHERE (...)", or "".
  std::map<std::string, std::string> tables;
  std::string publish;    // the operations when not all four: "insert, update"
  bool via_root = false;  // publish_via_partition_root
  std::string comment;

  bool operator==(const Publication&) const = default;
};

struct EventTrigger {
  std::string event;              // "ddl_command_end", ...
  std::string function;           // the function it executes, qualified
  std::vector<std::string> tags;  // WHEN TAG IN (...), sorted
  std::string enabled;            // as Trigger::enabled
  std::string comment;

  bool operator==(const EventTrigger&) const = default;
};

// A user-defined cast, keyed "source AS target" (type names as the server writes them).
struct Cast {
  std::string method;   // "function public.f(integer)", "binary" or "inout"
  std::string context;  // "explicit", "assignment" or "implicit"
  std::string comment;

  bool operator==(const Cast&) const = default;
};

// The whole schema of one database. SQLite has one schema, named "main".
struct Database {
  std::map<std::string, Schema> schemas;
  std::map<std::string, Extension> extensions;
  std::map<std::string, Publication> publications;
  std::map<std::string, EventTrigger> event_triggers;
  std::map<std::string, Cast> casts;
  // keel.toml's [baseline] column_order = "ignore": the hash leaves columns'
  // positions out (the canonical JSON keeps them, and says "column_order":
  // "ignore"), and drift reports a different order as info.
  bool ignore_column_order = false;

  bool operator==(const Database&) const = default;
};

}  // namespace keel::model
