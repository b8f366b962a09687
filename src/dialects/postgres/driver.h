// The PostgreSQL driver (driver.cc): what src/dialects/registry.cc lists.
#pragma once

#include <string>
#include <vector>

#include "keel/dialect.h"

namespace keel::pg {

const dialects::Driver& driver();

// The settings a PostgreSQL manifest records unless keel.toml's [baseline]
// settings says otherwise (driver().default_settings).
const std::vector<std::string>& default_settings();

}  // namespace keel::pg
