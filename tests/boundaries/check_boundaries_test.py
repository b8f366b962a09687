#!/usr/bin/env python3
"""Tests of scripts/check-boundaries.py (ctest "boundaries_selftest").

A small fake source tree, clean under every rule, is copied into a temporary
directory; each test injects one deliberate violation and asserts that the
script fails and names the file:line and the rule, and the clean tree passes.

Usage: check_boundaries_test.py SOURCE_ROOT [--clang-format PATH]
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = None
CLANG_FORMAT = "clang-format"

# The clean fake tree: path -> content.
CLEAN = {
    "src/dialects/postgres/session.cc": "#include <pqxx/pqxx>\n\nint session() { return 1; }\n",
    "src/dialects/postgres/conninfo.cc": "#include <libpq-fe.h>\n\nint conninfo() { return 1; }\n",
    "src/dialects/postgres/split.cc": "#include <pg_query.h>\n\nint split() { return 1; }\n",
    "src/dialects/sqlite/connection.cc": "#include <sqlite3.h>\n\nint lite() { return 1; }\n",
    "src/dialects/registry.cc": (
        '#include <string>\n\nbool is_pg(const std::string& name) { return name == "postgresql"; }\n'
    ),
    "src/lint/engine.cc": "#include <pg_query.h>\n\nint lint() { return 1; }\n",
    "src/cli/plan.cc": (
        "// Compares no dialect name: \"postgresql\" == name in a comment is fine.\n"
        "struct Caps {\n  bool lints = false;\n};\n\n"
        "bool gate(const Caps& caps) { return caps.lints; }\n"
    ),
    "include/keel/dialect.h": "#pragma once\n\nint dialects();\n",
}


def run_script(root):
    script = os.path.join(ROOT, "scripts", "check-boundaries.py")
    return subprocess.run([sys.executable, script, root, "--clang-format", CLANG_FORMAT],
                          capture_output=True, text=True)


class CheckBoundariesTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="keel-boundaries-")
        shutil.copy(os.path.join(ROOT, ".clang-format"), os.path.join(self.dir, ".clang-format"))
        for rel, text in CLEAN.items():
            self.write(rel, text)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, rel, text):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def append(self, rel, text):
        with open(os.path.join(self.dir, rel), "a", encoding="utf-8") as f:
            f.write(text)

    def assert_fails_with(self, expected_line):
        run = run_script(self.dir)
        self.assertEqual(run.returncode, 1, run.stdout + run.stderr)
        self.assertIn(expected_line, run.stdout.split("\n"), run.stdout)
        self.assertEqual(len([l for l in run.stdout.split("\n") if l]), 1, run.stdout)

    def test_the_clean_tree_passes(self):
        run = run_script(self.dir)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertEqual(run.stdout, "")

    def test_a_client_header_outside_its_dialect_fails(self):
        self.write("src/migrate/runner.cc", "// The runner.\n#include <sqlite3.h>\n\nint run();\n")
        self.assert_fails_with(
            "src/migrate/runner.cc:2: [client-headers] <sqlite3.h> included outside "
            "src/dialects/sqlite/")

    def test_a_postgres_header_in_the_sqlite_folder_fails(self):
        self.write("src/dialects/sqlite/inspect.cc", "#include <libpq-fe.h>\n\nint inspect();\n")
        self.assert_fails_with(
            "src/dialects/sqlite/inspect.cc:1: [client-headers] <libpq-fe.h> included outside "
            "src/dialects/postgres/")

    def test_pg_query_outside_postgres_and_lint_fails(self):
        self.write("src/plan/plan.cc", "#include <pg_query.h>\n\nint plan();\n")
        self.assert_fails_with(
            "src/plan/plan.cc:1: [client-headers] <pg_query.h> included outside "
            "src/dialects/postgres/ or src/lint/")

    def test_a_dialect_name_comparison_outside_the_dialects_fails(self):
        self.append("src/cli/plan.cc",
                    '\nbool is_lite(const char* d) { return std::string(d) == "sqlite"; }\n')
        self.assert_fails_with(
            "src/cli/plan.cc:8: [dialect-name] a comparison with a dialect's name "
            "(== \"sqlite\") outside src/dialects/: ask the registry (keel/dialect.h) and the "
            "driver's capabilities")

    def test_a_dialect_enumerator_outside_the_dialects_fails(self):
        self.write("src/archive/log_file.cc",
                   "int f(int d) {\n  return d == static_cast<int>(Dialect::kSqlite);\n}\n")
        run = run_script(self.dir)
        self.assertEqual(run.returncode, 1)
        self.assertIn("src/archive/log_file.cc:2: [dialect-name] a Dialect enumerator "
                      "(Dialect::kSqlite)", run.stdout)

    def test_url_scheme_sniffing_outside_the_dialects_fails(self):
        self.write("src/util/url.cc",
                   '#include <string>\n\nbool lite(const std::string& u) { return '
                   'u.starts_with("sqlite:"); }\n')
        run = run_script(self.dir)
        self.assertEqual(run.returncode, 1)
        self.assertIn("src/util/url.cc:3: [dialect-name] a dialect picked by its URL scheme or "
                      "name", run.stdout)

    def test_libpqxx_outside_the_session_file_fails(self):
        self.write("src/dialects/postgres/ledger.cc",
                   "#include <string>\n\nint rows(pqxx::work& tx);\n")
        self.assert_fails_with(
            "src/dialects/postgres/ledger.cc:3: [libpqxx-session] libpqxx used outside "
            "src/dialects/postgres/session.cc")

    def test_a_pqxx_include_in_another_postgres_file_fails(self):
        # <pqxx/...> is a PostgreSQL header (client-headers allows it in the
        # folder), but only the session file may use libpqxx.
        self.write("src/dialects/postgres/legacy.cc",
                   "#include <pqxx/pqxx>\n\nint legacy() { return 1; }\n")
        self.assert_fails_with(
            "src/dialects/postgres/legacy.cc:1: [libpqxx-session] libpqxx used outside "
            "src/dialects/postgres/session.cc")

    def test_no_file_is_exempt_not_even_one_an_old_allowlist_names(self):
        self.write("scripts/check-boundaries.pqxx-allowlist", "src/dialects/postgres/legacy.cc\n")
        self.write("src/dialects/postgres/legacy.cc",
                   "#include <string>\n\npqxx::result legacy();\n")
        self.assert_fails_with(
            "src/dialects/postgres/legacy.cc:3: [libpqxx-session] libpqxx used outside "
            "src/dialects/postgres/session.cc")

    def test_a_file_that_is_not_clang_format_clean_fails(self):
        self.write("src/cli/plan.cc", "bool gate(const Caps& caps) { return caps.lints; }\n"
                   "int  f( ){return 1;}\n")
        self.assert_fails_with(
            "src/cli/plan.cc:2: [clang-format] not clang-format clean (run clang-format -i on it)")


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    ROOT = os.path.abspath(args[0])
    if len(args) >= 3 and args[1] == "--clang-format":
        CLANG_FORMAT = args[2]
    unittest.main(argv=[sys.argv[0], "-v"])
