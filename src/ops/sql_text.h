// keel convert: source text of the parts of a statement that libpg_query's parse tree only
// points at (a type, a DEFAULT or CHECK expression, USING, WHERE), so operations carry the SQL
// as the user wrote it. A small PostgreSQL tokenizer: quotes ('', E'', "", $tag$), comments
// (--, nested /* */) and parentheses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace keel::ops {

// Offset just past the first whole word `word` (case-insensitive) at parenthesis depth 0 in
// sql[from, to), outside quotes and comments; std::string_view::npos when there is none.
size_t after_keyword(std::string_view sql, size_t from, size_t to, std::string_view word);

// The text from `from` (space skipped) up to, at depth 0: a ',' or ';', a ')' that closes a
// parenthesis opened before `from`, `to`, or one of `stop_words` after the first token.
// Surrounding space is trimmed.
std::string clause_text(std::string_view sql, size_t from, size_t to,
                        const std::vector<std::string_view>& stop_words = {});

// The text inside the parentheses that open at the first '(' at or after `from` (before `to`),
// trimmed; empty when there is none.
std::string paren_text(std::string_view sql, size_t from, size_t to);

// sql[from, to) cut at the commas at parenthesis depth 0: [begin, end) of each part.
std::vector<std::pair<size_t, size_t>> split_top_level(std::string_view sql, size_t from,
                                                       size_t to);

// Words that end a column's type or DEFAULT expression in a column definition.
const std::vector<std::string_view>& column_clause_words();

}  // namespace keel::ops
