// keel: feature flags kept in the database, so that a new code path can be
// rolled out to a share of the keys (users, tenants, ...) while both schema
// versions live side by side (issue 16 item 7; docs/flags.md).
//
// A flag is a name and a rollout percent (0..100) in keel's own table
// (PostgreSQL: keel.flags). The server decides per key with a SQL function
// (PostgreSQL: keel.flag_enabled(name, key)) that is sticky: a key is on when
// bucket(name, key) < percent, so raising the percent keeps every key that
// was on, and lowering it turns keys off in the reverse order. bucket() is
// written down in docs/flags.md so that any client can compute it too; the
// function below is its reference implementation.
//
// Dialects keep flags when their driver's capabilities say `flags`
// (PostgreSQL); open_flags() refuses the others.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/connection.h"
#include "keel/error.h"

namespace keel::flags {

// One flag as stored.
struct Flag {
  std::string name;
  int percent = 0;
  std::string description;  // empty when none was given
  std::string updated_at;   // UTC "2026-12-07T04:00:00Z"
  std::string updated_by;   // [migrations] applied_by, else user@host of the keel that set it
};

// What `keel flag set` asks.
struct SetRequest {
  std::string name;  // REQUIRES check_name(name)
  int percent = 0;   // REQUIRES 0..100
  // Replaces the stored description when given; kept when not.
  std::optional<std::string> description;
  std::string by;  // updated_by
};

// What one `keel flag set` changed.
struct Change {
  std::string name;
  std::optional<int> old_percent;  // nullopt: the flag did not exist
  int new_percent = 0;
  bool operator==(const Change&) const = default;
};

// A rollout percent as typed: a whole number from 0 to 100, nothing else
// ("5", "100"; not "-1", "101", "5.5", "abc", "", " 5", "+5").
// Errors: kUsage naming the text and the range.
Result<int> parse_percent(std::string_view text);

// A flag name: any text (spaces, quotes and non-ASCII included: it is data,
// passed as a bind parameter) but not empty, at most 200 bytes, valid
// UTF-8, without control characters. Errors: kUsage saying which.
Result<void> check_name(std::string_view name);

// The key's bucket for a flag, 0..99: the first 4 bytes of
// SHA-256(UTF-8 of name + ":" + key) read as a big-endian unsigned 32-bit
// number, modulo 100. A key is on when bucket < percent.
int bucket(std::string_view name, std::string_view key);

// Flags on one database.
class Store {
 public:
  virtual ~Store() = default;
  // Sets the flag's percent (and description when given), creating keel's
  // flags table and its flag_enabled() function first when missing (safe
  // when several keel processes do it at once). Concurrent sets of one flag
  // are serialized: each Change's old_percent is the one it replaced.
  // Errors: kSql, kConnection.
  virtual Result<Change> set(const SetRequest& request) = 0;
  // Every flag, by name; none when the table does not exist (reading never
  // creates it).
  virtual Result<std::vector<Flag>> list() = 0;
};

// The flags of the database `url` names. Errors: kUnsupported for a dialect
// without the `flags` capability (naming the dialects that have it),
// kConnection.
Result<std::unique_ptr<Store>> open_flags(const ConnectionUrl& url);

}  // namespace keel::flags
