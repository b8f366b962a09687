// pg::Session (src/dialects/postgres/session.h), the one door to libpqxx:
// rows and NULLs, text parameters, affected rows, settings and timeouts,
// transactions, and the one error translation (SQLSTATE kept, syntax error
// position, password masked in the message and the context). A lost
// connection ("lost the connection: ...", kConnection) is not tested
// in-process: libpqxx 6.4 leaks the PGresult of a statement that finds its
// connection broken, which fails the ASan build.
#include <gtest/gtest.h>

#include "dialects/postgres/session.h"
#include "integration/pg_fixture.h"

namespace keel::test {
namespace {

using std::chrono::milliseconds;

class SessionPg : public PgTest {};

std::unique_ptr<pg::Session> open(const std::string& url) {
  auto parsed = parse_connection_url(url);
  EXPECT_TRUE(parsed) << parsed.error().to_string();
  auto session = pg::Session::open(*parsed);
  EXPECT_TRUE(session) << session.error().to_string();
  return session ? std::move(*session) : nullptr;
}

TEST_F(SessionPg, RowsParametersNullsAndAffectedRows) {
  PgDatabase db;
  db.sql("CREATE TABLE t (id int, name text);");
  auto s = open(db.url());
  ASSERT_TRUE(s);
  EXPECT_GE(s->server_version(), 150000);
  EXPECT_GT(s->backend_pid(), 0);

  auto inserted =
      s->exec("INSERT INTO t VALUES ($1, $2), ($3, $4)", {"1", "one", "2", pg::Param()});
  ASSERT_TRUE(inserted) << inserted.error().to_string();
  EXPECT_EQ(inserted->affected, 2);
  EXPECT_TRUE(inserted->empty());

  auto rows = s->exec("SELECT id, name FROM t ORDER BY id");
  ASSERT_TRUE(rows) << rows.error().to_string();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows->columns, 2);
  EXPECT_EQ((*rows)[0].int64(0), 1);
  EXPECT_EQ((*rows)[0].str(1), "one");
  EXPECT_FALSE((*rows)[0].is_null(1));
  EXPECT_TRUE((*rows)[1].is_null(1));
  EXPECT_EQ((*rows)[1].str(1), "");

  // Several statements in one round trip: the last one's rows.
  auto last = s->exec("UPDATE t SET name = 'x'; SELECT count(*) FROM t WHERE name = 'x'");
  ASSERT_TRUE(last) << last.error().to_string();
  EXPECT_EQ((*last)[0].int64(0), 2);

  auto value = s->value("SELECT $1::text || '!'", {"hi"});
  ASSERT_TRUE(value) << value.error().to_string();
  EXPECT_EQ(*value, "hi!");
  auto flag = s->flag("SELECT $1::int > 1", {"2"});
  ASSERT_TRUE(flag) << flag.error().to_string();
  EXPECT_TRUE(*flag);
  auto none = s->value("SELECT 1 WHERE false");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kSql);
}

TEST_F(SessionPg, SettingsTimeoutsAndTransactions) {
  PgDatabase db;
  db.sql("CREATE TABLE t (id int PRIMARY KEY);");
  auto s = open(db.url());
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->set_timeouts(milliseconds(1500), milliseconds(0), /*local=*/false));
  EXPECT_EQ(s->value("SHOW lock_timeout").value_or(""), "1500ms");
  EXPECT_EQ(s->value("SHOW statement_timeout").value_or(""), "0");
  ASSERT_TRUE(s->set({{"application_name", "keel session test"}}, /*local=*/false));
  EXPECT_EQ(s->value("SHOW application_name").value_or(""), "keel session test");

  // A local setting ends with its transaction.
  auto done = s->transaction([&]() -> Result<void> {
    if (auto ok = s->set_timeouts(milliseconds(10), milliseconds(20), /*local=*/true); !ok) {
      return ok;
    }
    EXPECT_EQ(s->value("SHOW statement_timeout").value_or(""), "20ms");
    auto ins = s->exec("INSERT INTO t VALUES (1)");
    if (!ins) return std::unexpected(ins.error());
    return {};
  });
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(s->value("SHOW statement_timeout").value_or(""), "0");

  // A failing body: ROLLBACK, its error returned, nothing kept.
  auto failed = s->transaction([&]() -> Result<void> {
    if (auto ins = s->exec("INSERT INTO t VALUES (2)"); !ins) return std::unexpected(ins.error());
    auto dup = s->exec("INSERT INTO t VALUES (1)");
    if (!dup) return std::unexpected(dup.error());
    return {};
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().sqlstate, "23505");
  EXPECT_EQ(db.scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM t"), "1");
  // The session is usable after it (no transaction left open).
  EXPECT_EQ(s->value("SELECT 41 + 1").value_or(""), "42");
}

TEST_F(SessionPg, ErrorsKeepTheSqlstateAndNeverTheUrlsPassword) {
  PgDatabase db;
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_session_test') "
      "THEN CREATE ROLE keel_session_test LOGIN PASSWORD 'Sess-pw-9931'; END IF; END $$");
  std::string url = db.url();
  url.replace(url.find("://") + 3, url.find('@') - url.find("://") - 3,
              "keel_session_test:Sess-pw-9931");
  auto s = open(url);
  ASSERT_TRUE(s);

  // The server echoes the value, which is the password here.
  auto echo = s->exec("SELECT $1::int", {"Sess-pw-9931"});
  ASSERT_FALSE(echo);
  EXPECT_EQ(echo.error().code, ErrorCode::kSql);
  EXPECT_EQ(echo.error().sqlstate, "22P02");
  EXPECT_EQ(echo.error().message, "invalid input syntax for type integer: \"***\"");
  EXPECT_EQ(echo.error().to_string().find("Sess-pw-9931"), std::string::npos);
  EXPECT_EQ(s->last_error_position(), 0);

  // A syntax error: its position in the statement (1-based characters).
  auto syntax = s->exec("SELECT 1;\nSELEC 2");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().sqlstate, "42601");
  EXPECT_EQ(syntax.error().message, "syntax error at or near \"SELEC\"");
  EXPECT_EQ(s->last_error_position(), 11);

  // The session survives a refused statement.
  EXPECT_EQ(s->value("SELECT 'ok'").value_or(""), "ok");
}

TEST_F(SessionPg, CannotConnectSaysWhatToCheck) {
  std::string url = pg_url_for("keel_no_such_database_for_session");
  auto parsed = parse_connection_url(url);
  ASSERT_TRUE(parsed);
  auto s = pg::Session::open(*parsed);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kConnection);
  EXPECT_EQ(s.error().message.rfind("cannot connect: ", 0), 0u) << s.error().message;
  EXPECT_NE(s.error().message.find("keel_no_such_database_for_session"), std::string::npos);
  EXPECT_NE(s.error().message.find("; check the URL's host, port, database, user and password"),
            std::string::npos)
      << s.error().message;
}

}  // namespace
}  // namespace keel::test
