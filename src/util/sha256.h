// SHA-256 through OpenSSL, and hex encoding.
#pragma once

#include <string>
#include <string_view>

namespace keel::util {

// Lower-case hex of the bytes.
std::string hex(std::string_view bytes);

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);

}  // namespace keel::util
