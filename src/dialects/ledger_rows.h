// The run ledger's rows (keel.runs / keel_runs, keel.parity / keel_parity)
// to and from the text a dialect's session returns and binds: decoded once
// for every dialect. Each dialect's ledger (src/dialects/<dialect>/ledger.cc)
// selects the columns in the order below, and hands each result row over
// through Fields.
#pragma once

#include <string>
#include <vector>

#include "keel/ledger.h"

namespace keel::dialects {

// One result row, read as text.
class Fields {
 public:
  virtual ~Fields() = default;
  // The text of `column` (from 0); empty when NULL.
  virtual std::string text(int column) const = 0;
};

// A runs row selected as: env, command, arguments (a JSON array of
// strings), version_before, version_after, outcome, exit_code, duration_ms,
// user_name, host_name, keel_version, started_at (UTC text), error, run_id,
// pid, error_code. NULLs read as empty text and 0; arguments that are not
// such an array as none.
ledger::RunRow run_row(const Fields& row);

// A parity row selected as: env, schema_hash, status, reference,
// differences (a JSON array of strings), verified_at (UTC text),
// verified_by, keel_version.
ledger::ParityRow parity_row(const Fields& row);

// The values inserting a runs row binds, in the order of run_row's columns
// (arguments as JSON text, numbers as decimal text).
std::vector<std::string> run_values(const ledger::RunRow& row);

// The values inserting a parity row binds: env, schema_hash, status,
// reference, differences (JSON text), verified_by, keel_version (the
// database sets verified_at).
std::vector<std::string> parity_values(const ledger::ParityRow& row);

}  // namespace keel::dialects
