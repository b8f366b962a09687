// The SQLite driver (driver.cc): what src/dialects/registry.cc lists.
#pragma once

#include "keel/dialect.h"

namespace keel::sqlite {

const dialects::Driver& driver();

}  // namespace keel::sqlite
