#!/usr/bin/env python3
"""Lists the C++ functions longer than N lines in a folder (default 80).

  scripts/long-functions.py [--max N] FOLDER...

A function is a line that starts at column 0 (not a comment, preprocessor
line, namespace, class or struct) and ends with "{", up to the first line
that is exactly "}". Lambdas and local classes count as part of their
function. Exit status 1 when one is longer than N (a CI check), else 0.
"""
import argparse
import pathlib
import re
import sys

SKIP = re.compile(r"^(//|#|namespace\b|class\b|struct\b|enum\b|union\b|}|extern\b|template\b\s*<[^>]*>\s*$)")


def functions(path):
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line and not line[0].isspace() and not SKIP.match(line):
            # the signature may span lines: find the "{" that opens the body
            j = i
            while j < len(lines) and not lines[j].rstrip().endswith("{") and not lines[j].rstrip().endswith(";"):
                j += 1
            if j < len(lines) and lines[j].rstrip().endswith("{") and "=" not in lines[i].split("(")[0]:
                k = j + 1
                while k < len(lines) and lines[k] != "}":
                    k += 1
                name = re.sub(r"\(.*", "", line).split()[-1] if "(" in line else line.strip()
                yield name, i + 1, k - i + 1
                i = k + 1
                continue
            i = j + 1 if j > i else i + 1
            continue
        i += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max", type=int, default=80)
    parser.add_argument("folders", nargs="+")
    args = parser.parse_args()
    found = []
    for folder in args.folders:
        for path in sorted(pathlib.Path(folder).rglob("*.cc")):
            for name, line, length in functions(path):
                if length > args.max:
                    found.append((length, f"{path}:{line}", name))
    for length, where, name in sorted(found, reverse=True):
        print(f"{length:5d}  {where}  {name}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
