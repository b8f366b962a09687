// pgroll's names of the operations.
#include <type_traits>

#include "keel/operations.h"

namespace keel::ops {

std::string_view operation_name(const Operation& op) {
  return std::visit(
      [](const auto& o) -> std::string_view {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, CreateTable>) return "create_table";
        if constexpr (std::is_same_v<T, DropTable>) return "drop_table";
        if constexpr (std::is_same_v<T, RenameTable>) return "rename_table";
        if constexpr (std::is_same_v<T, AddColumn>) return "add_column";
        if constexpr (std::is_same_v<T, DropColumn>) return "drop_column";
        if constexpr (std::is_same_v<T, RenameColumn>) return "rename_column";
        if constexpr (std::is_same_v<T, AlterColumn>) return "alter_column";
        if constexpr (std::is_same_v<T, CreateIndex>) return "create_index";
        if constexpr (std::is_same_v<T, DropIndex>) return "drop_index";
        if constexpr (std::is_same_v<T, CreateConstraint>) return "create_constraint";
        if constexpr (std::is_same_v<T, DropConstraint>) return "drop_constraint";
        if constexpr (std::is_same_v<T, DropMultiColumnConstraint>) {
          return "drop_multicolumn_constraint";
        }
        if constexpr (std::is_same_v<T, RenameConstraint>) return "rename_constraint";
        if constexpr (std::is_same_v<T, SetReplicaIdentity>) return "set_replica_identity";
        if constexpr (std::is_same_v<T, RawSql>) return "sql";
      },
      op);
}

}  // namespace keel::ops
