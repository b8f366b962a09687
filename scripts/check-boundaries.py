#!/usr/bin/env python3
"""keel's boundary checks (issue 15 item 8), run by ctest ("boundaries").

Usage: scripts/check-boundaries.py SOURCE_ROOT [--clang-format PATH]

Each rule prints one line per violation, "path:line: [rule] message", and the
script exits 1 when there is any (0 when the tree is clean, 2 on bad usage).
The rules, over the C++ files (*.cc, *.h) under src/ and include/:

  client-headers   A database client library's headers are included only in
                   its dialect's folder: <pqxx/...>, <libpq-fe.h> in
                   src/dialects/postgres/; <sqlite3.h> in src/dialects/sqlite/;
                   <mysql.h>, <mysql/...>, <mariadb/...> in src/dialects/mysql/
                   or src/dialects/mariadb/. <pg_query.h> (libpg_query,
                   PostgreSQL's own parser) also in src/lint/, which is
                   PostgreSQL's linter.
  dialect-name     Outside src/dialects/, no code picks a dialect by its name:
                   no Dialect::k... enumerator, no ==/!= with a dialect's name
                   ("postgresql", "sqlite", ...), no starts_with/find of one
                   (URL scheme sniffing). Code asks the registry
                   (include/keel/dialect.h) and the driver's capabilities.
  libpqxx-session  libpqxx (an #include <pqxx/...> or a pqxx:: name) only in
                   src/dialects/postgres/session.cc, the one PostgreSQL session
                   file. No exemption: every other file reaches the server
                   through pg::Session.
  clang-format     Every tracked *.cc and *.h file (git ls-files; every such
                   file when SOURCE_ROOT is not a git work tree) is
                   clang-format clean (--dry-run -Werror, the repository's
                   .clang-format).

Comments are ignored by the first three rules. Tests under tests/ may use the
client libraries directly (fixtures read the database behind keel's back).
"""

import argparse
import os
import re
import subprocess
import sys

PG_FOLDER = "src/dialects/postgres/"
SQLITE_FOLDER = "src/dialects/sqlite/"
MYSQL_FOLDERS = ("src/dialects/mysql/", "src/dialects/mariadb/")
LINT_FOLDER = "src/lint/"
SESSION_FILE = "src/dialects/postgres/session.cc"

# Header (as written between <>) -> the folders allowed to include it.
CLIENT_HEADERS = [
    (re.compile(r"^pqxx/"), (PG_FOLDER,)),
    (re.compile(r"^libpq-fe\.h$"), (PG_FOLDER,)),
    (re.compile(r"^libpq/"), (PG_FOLDER,)),
    (re.compile(r"^pg_query\.h$"), (PG_FOLDER, LINT_FOLDER)),
    (re.compile(r"^sqlite3\.h$"), (SQLITE_FOLDER,)),
    (re.compile(r"^(mysql\.h$|mysql/|mariadb/)"), MYSQL_FOLDERS),
]

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')
DIALECT_NAMES = r"(?:postgresql|postgres|sqlite|sqlite3|mysql|mariadb)"
DIALECT_NAME_PATTERNS = [
    (re.compile(r"\bDialect::k[A-Z]\w*"), "a Dialect enumerator"),
    (re.compile(r'[!=]=\s*"' + DIALECT_NAMES + r'"'), "a comparison with a dialect's name"),
    (re.compile(r'"' + DIALECT_NAMES + r'"\s*[!=]='), "a comparison with a dialect's name"),
    (
        re.compile(r'\b(?:starts_with|rfind)\(\s*"' + DIALECT_NAMES + r'[:/"]'),
        "a dialect picked by its URL scheme or name",
    ),
]
PQXX = re.compile(r"\bpqxx::|#\s*include\s*<pqxx/")


def strip_comments(lines):
    """The lines with // and /* */ comments blanked out (string literals kept)."""
    out = []
    in_block = False
    for line in lines:
        result = []
        i = 0
        in_string = None
        while i < len(line):
            c = line[i]
            if in_block:
                if line.startswith("*/", i):
                    in_block = False
                    i += 2
                else:
                    i += 1
                continue
            if in_string:
                result.append(c)
                if c == "\\" and i + 1 < len(line):
                    result.append(line[i + 1])
                    i += 2
                    continue
                if c == in_string:
                    in_string = None
                i += 1
                continue
            if line.startswith("//", i):
                break
            if line.startswith("/*", i):
                in_block = True
                i += 2
                continue
            if c in "\"'":
                in_string = c
            result.append(c)
            i += 1
        out.append("".join(result))
    return out


def cpp_files(root, folders):
    for folder in folders:
        base = os.path.join(root, folder)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith((".cc", ".h")):
                    path = os.path.join(dirpath, name)
                    yield os.path.relpath(path, root).replace(os.sep, "/")


def read_lines(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        return f.read().split("\n")


def check_client_headers(rel, lines, report):
    for number, line in enumerate(lines, 1):
        m = INCLUDE.match(line)
        if not m:
            continue
        header = m.group(1)
        for pattern, folders in CLIENT_HEADERS:
            if pattern.search(header) and not rel.startswith(folders):
                report(rel, number, "client-headers",
                       f"<{header}> included outside {' or '.join(folders)}")


def check_dialect_names(rel, lines, report):
    if rel.startswith("src/dialects/") or not (rel.startswith("src/") or rel.startswith("include/")):
        return
    for number, line in enumerate(lines, 1):
        for pattern, what in DIALECT_NAME_PATTERNS:
            m = pattern.search(line)
            if m:
                report(rel, number, "dialect-name",
                       f"{what} ({m.group(0).strip()}) outside src/dialects/: ask the registry "
                       "(keel/dialect.h) and the driver's capabilities")
                break


def check_libpqxx(rel, lines, report):
    if rel == SESSION_FILE:
        return
    for number, line in enumerate(lines, 1):
        if PQXX.search(line):
            report(rel, number, "libpqxx-session",
                   f"libpqxx used outside {SESSION_FILE}")
            return


def tracked_sources(root):
    try:
        inside = subprocess.run(["git", "-C", root, "rev-parse", "--is-inside-work-tree"],
                                capture_output=True, text=True)
    except FileNotFoundError:
        inside = None
    if inside is not None and inside.returncode == 0 and inside.stdout.strip() == "true":
        listed = subprocess.run(["git", "-C", root, "ls-files", "*.cc", "*.h"],
                                capture_output=True, text=True, check=True)
        return [p for p in listed.stdout.split("\n")
                if p and os.path.exists(os.path.join(root, p))]
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not d.startswith("build"))
        for name in sorted(filenames):
            if name.endswith((".cc", ".h")):
                out.append(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    return out


CLANG_FORMAT_LINE = re.compile(r"^(.*?):(\d+):(\d+): (?:error|warning): (.*)$")


def check_clang_format(root, clang_format, report):
    files = tracked_sources(root)
    if not files:
        return
    # In batches, from the root so paths come back relative to it.
    for start in range(0, len(files), 200):
        batch = files[start:start + 200]
        run = subprocess.run([clang_format, "--dry-run", "-Werror", *batch], cwd=root,
                             capture_output=True, text=True)
        if run.returncode == 0:
            continue
        seen = set()
        for line in run.stderr.split("\n"):
            m = CLANG_FORMAT_LINE.match(line)
            if m:
                rel = os.path.relpath(os.path.join(root, m.group(1)), root).replace(os.sep, "/")
                key = (rel, m.group(2))
                if key not in seen:
                    seen.add(key)
                    report(rel, int(m.group(2)), "clang-format",
                           "not clang-format clean (run clang-format -i on it)")
        if not seen:
            report(batch[0], 1, "clang-format", "clang-format failed: " + run.stderr.strip()[:300])


def main(argv):
    parser = argparse.ArgumentParser(description="keel's boundary checks")
    parser.add_argument("root", help="the source root (holding src/ and include/)")
    parser.add_argument("--clang-format", default="clang-format", help="the clang-format binary")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    if not os.path.isdir(os.path.join(root, "src")):
        print(f"check-boundaries: {root} has no src/ folder", file=sys.stderr)
        return 2

    violations = []

    def report(rel, line, rule, message):
        violations.append(f"{rel}:{line}: [{rule}] {message}")

    for rel in cpp_files(root, ("src", "include")):
        lines = strip_comments(read_lines(root, rel))
        check_client_headers(rel, lines, report)
        check_dialect_names(rel, lines, report)
        check_libpqxx(rel, lines, report)
    check_clang_format(root, args.clang_format, report)

    for v in violations:
        print(v)
    if violations:
        print(f"check-boundaries: {len(violations)} violation(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
