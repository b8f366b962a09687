// dbmate migration files.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "keel/migrations.h"

namespace keel::migrate {

// Splits the text (BOM already removed) of a dbmate file at `path` into its
// up section and its down section, when that holds more than comments. Each
// Script's first_line is the line after its marker; "transaction:false" on a
// marker sets no_transaction. Errors (kConfig, "path:line"): no "-- migrate:up",
// SQL or a keel directive above it, a repeated or misplaced marker, an
// unknown marker option, a bad directive.
Result<std::pair<Script, std::optional<Script>>> dbmate_sections(const std::string& path,
                                                                 const std::string& text);

}  // namespace keel::migrate
