// A statement PostgreSQL's parser rejects. The engine reports it (it is the
// one finding that has no parse tree); this entry gives it its catalogue
// line.
#include "lint/rules/rules.h"

namespace keel::lint::checks {

const Rule kSyntaxError{{"syntax-error", Severity::kError, "",
                         "PostgreSQL's parser rejects the statement (with line and column)"},
                        nullptr};

}  // namespace keel::lint::checks
