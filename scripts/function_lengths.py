#!/usr/bin/env python3
"""Lists functions longer than a limit in C++ files: a top-level '{' opened
after a ')' (a function body) counted from the line of its signature to its
closing '}'. Usage: funclen.py LIMIT FILE..."""
import re, sys

def functions(path):
    text = open(path).read()
    # blank out comments and strings so braces inside them do not count
    text = re.sub(r'//[^\n]*', lambda m: ' ' * len(m.group()), text)
    text = re.sub(r'R"\((.|\n)*?\)"', lambda m: re.sub(r'[^\n]', ' ', m.group()), text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', lambda m: ' ' * len(m.group()), text)
    text = re.sub(r"'(\\.|[^'\\\n])*'", lambda m: ' ' * len(m.group()), text)
    lines = text.split('\n')
    depth, out, start, name, ns_depths = 0, [], None, None, []
    for i, line in enumerate(lines):
        for j, c in enumerate(line):
            if c == '{':
                before = ' '.join(lines[max(0, i - 3):i]) + ' ' + line[:j]
                if start is None and re.search(r'namespace\s*[\w:]*\s*$', before):
                    ns_depths.append(depth)
                elif start is None and depth == len(ns_depths) and re.search(r'\)\s*(const)?\s*(override)?\s*(->\s*[\w:<>, ]+)?\s*$', before):
                    m = re.findall(r'([\w:~]+)\s*\(', before)
                    name = m[0] if m else '?'
                    start = i
                    # the signature may start on earlier lines
                    k = i
                    while k > 0 and lines[k - 1].strip() and not lines[k - 1].strip().endswith((';', '}', '{')) and not lines[k-1].strip().startswith('//'):
                        k -= 1
                    start = k
                    fdepth = depth
                depth += 1
            elif c == '}':
                depth -= 1
                if ns_depths and depth == ns_depths[-1] and start is None:
                    ns_depths.pop()
                elif start is not None and depth == fdepth:
                    out.append((i - start + 1, sum(1 for l in lines[start:i + 1] if l.strip()), name, start + 1))
                    start = None
    return out

limit = int(sys.argv[1])
for path in sys.argv[2:]:
    for n, code, name, line in sorted(functions(path), reverse=True):
        if n > limit:
            print(f'{n:5d} lines ({code:4d} of code)  {path}:{line}  {name}')
