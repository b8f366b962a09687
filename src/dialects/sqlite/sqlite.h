// SQLite dialect: entry points used by src/dialects/connect.cc.
#pragma once

#include <memory>

#include "keel/connection.h"

namespace keel::sqlite {

Result<std::unique_ptr<Connection>> connect(const ConnectionUrl& url);

}  // namespace keel::sqlite
