// keel: errors as values.
//
// Every library function that can fail returns keel::Result<T>
// (std::expected<T, keel::Error>). Exceptions from client libraries are
// caught at the dialect edge and turned into an Error with a code, a message
// and context. The CLI maps ErrorCode to a process exit status through the one
// table in exit_status() below (and in README).
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace keel {

enum class ErrorCode {
  kUsage,        // bad command line: wrong flag, missing argument
  kConfig,       // keel.toml or another input file is invalid
  kIo,           // a file cannot be read or written
  kConnection,   // cannot connect / authenticate
  kSql,          // the server refused a statement
  kUnsupported,  // the dialect or server cannot do this
  kInternal,     // a bug in keel
  kGateFailed,   // a check ran and said no (drift found, ...)
};

// Process exit statuses: one table, used by the CLI and documented in README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitOperational = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitGate = 3;

constexpr int exit_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUsage:
      return kExitUsage;
    case ErrorCode::kGateFailed:
      return kExitGate;
    case ErrorCode::kConfig:
    case ErrorCode::kIo:
    case ErrorCode::kConnection:
    case ErrorCode::kSql:
    case ErrorCode::kUnsupported:
    case ErrorCode::kInternal:
      return kExitOperational;
  }
  return kExitOperational;
}

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;   // what failed and what to do; never holds a password
  std::string context;   // "file:line", an object name or a masked URL; may be empty
  std::string sqlstate;  // five-character SQLSTATE when the server (or its parser) gave one

  // "context: message (SQLSTATE xxxxx)"
  std::string to_string() const;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message, std::string context = {}) {
  return std::unexpected(Error{code, std::move(message), std::move(context), {}});
}

}  // namespace keel
