// SHA-256 through OpenSSL, and hex encoding.
#pragma once

#include <string>
#include <string_view>

namespace keel::util {

// Lower-case hex of the bytes.
std::string hex(std::string_view bytes);

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);

// `name` cut to `max` bytes, ending in "_" and 8 hex digits of its SHA-256 when cut, so two
// long names that share a prefix stay apart (PostgreSQL's 63-byte identifiers).
std::string bounded_name(std::string_view name, size_t max = 63);

}  // namespace keel::util
