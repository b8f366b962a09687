// sql: `up` runs at start (or at complete with onComplete), in the phase's transaction; `down`
// undoes it on abort (or on revert with onComplete). Without `down` it cannot be undone, and
// abort / revert say so.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"

namespace keel::pg::ops {

namespace {

class RawSql final : public Operation {
 public:
  explicit RawSql(keel::ops::RawSql op) : op_(std::move(op)) {}

  std::string what() const override {
    std::string first = op_.up.substr(0, op_.up.find('\n'));
    if (first.size() > 60) first = first.substr(0, 57) + "...";
    return fmt::format("sql{}: {}", op_.on_complete ? " (on complete)" : "", first);
  }
  Result<std::vector<Step>> start(Context&) const override {
    if (op_.on_complete) return std::vector<Step>{};
    return std::vector<Step>{{op_.up}};
  }
  Result<std::vector<Step>> complete(Context&) const override {
    if (!op_.on_complete) return std::vector<Step>{};
    return std::vector<Step>{{op_.up}};
  }
  Result<std::vector<Step>> revert(Context&) const override {
    if (!op_.on_complete) return std::vector<Step>{};
    return undo("revert");
  }
  Result<std::vector<Step>> abort(Context&) const override {
    if (op_.on_complete) return std::vector<Step>{};
    return undo("abort");
  }

 private:
  Result<std::vector<Step>> undo(const char* action) const {
    if (!op_.down) {
      return fail(ErrorCode::kGateFailed,
                  fmt::format("the sql operation has no `down`, so keel cannot {} it; undo its "
                              "`up` by hand, or add `down` to the file",
                              action));
    }
    return std::vector<Step>{{*op_.down}};
  }
  keel::ops::RawSql op_;
};

}  // namespace

std::unique_ptr<Operation> make_raw_sql(const keel::ops::RawSql& op, const std::string&) {
  return std::make_unique<RawSql>(op);
}

}  // namespace keel::pg::ops
