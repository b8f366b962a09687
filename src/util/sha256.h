// SHA-256 through OpenSSL.
#pragma once

#include <string>
#include <string_view>

namespace keel::util {

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);

}  // namespace keel::util
