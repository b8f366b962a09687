// set_replica_identity: what logical replication sends to identify an updated or deleted row
// (DEFAULT: the primary key, FULL: the whole row, NOTHING, or USING INDEX a unique index). It is
// a property of the table, not of a version, so start sets it (after its transaction, since the
// index may be one the same migration builds concurrently); start first keeps the identity it
// replaces in the history row, and abort puts that one back. complete, revert and finalize
// leave it.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

class SetReplicaIdentityOp final : public Operation {
 public:
  explicit SetReplicaIdentityOp(keel::ops::SetReplicaIdentity op) : op_(std::move(op)) {}

  std::string what() const override {
    return fmt::format("{}: replica identity {}{}", display_identifier(op_.table), op_.type,
                       op_.index ? " " + display_identifier(*op_.index) : "");
  }
  Result<void> check(Context&) const override {
    if (op_.type == "index" && !op_.index) {
      return usage("type index needs `index`, the unique index to use");
    }
    if (op_.type != "default" && op_.type != "full" && op_.type != "nothing" &&
        op_.type != "index") {
      return usage(fmt::format("unknown type {}; use default, full, nothing or index", op_.type));
    }
    return {};
  }
  Result<std::vector<Step>> start(Context& ctx) const override {
    auto now = identity(ctx);
    if (!now) return std::unexpected(now.error());
    if (ctx.saved(index) == nullptr) ctx.save(index, *now);
    // After the transaction, with the CONCURRENTLY steps: the index it names may be one this
    // migration builds.
    return std::vector<Step>{{set(ctx, op_.type, op_.index.value_or("")), Part::kAfter}};
  }
  Result<std::vector<Step>> abort(Context& ctx) const override {
    const std::string* before = ctx.saved(index);
    if (before == nullptr) return std::vector<Step>{};  // start never got as far as setting it
    if (before->starts_with("index:")) {
      return std::vector<Step>{{set(ctx, "index", before->substr(6))}};
    }
    return std::vector<Step>{{set(ctx, *before, "")}};
  }

 private:
  Result<void> usage(const std::string& message) const {
    return fail(ErrorCode::kUsage,
                fmt::format("set_replica_identity {}: {}", display_identifier(op_.table), message));
  }
  // The table's identity now: "default", "full", "nothing" or "index:<name>".
  Result<std::string> identity(Context& ctx) const {
    auto rows = ctx.session().exec(
        "SELECT c.relreplident, (SELECT i.relname FROM pg_catalog.pg_index x "
        "JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = c.oid AND x.indisreplident) "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
        {ctx.schemas().schema, op_.table});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::unexpected(usage("no such table").error());
    const auto& row = (*rows)[0];
    std::string kind(row.view(0));
    if (kind == "f") return std::string("full");
    if (kind == "n") return std::string("nothing");
    if (kind == "i" && !row.is_null(1)) return "index:" + std::string(row.view(1));
    return std::string("default");
  }
  std::string set(Context& ctx, const std::string& type, const std::string& index_name) const {
    std::string what = type == "full"      ? "FULL"
                       : type == "nothing" ? "NOTHING"
                       : type == "index"   ? "USING INDEX " + quote_identifier(index_name)
                                           : "DEFAULT";
    return fmt::format("ALTER TABLE {} REPLICA IDENTITY {}", ctx.table(op_.table), what);
  }

  keel::ops::SetReplicaIdentity op_;
};

}  // namespace

std::unique_ptr<Operation> make_set_replica_identity(const keel::ops::SetReplicaIdentity& op,
                                                     const std::string&) {
  return std::make_unique<SetReplicaIdentityOp>(op);
}

}  // namespace keel::pg::ops
