#!/usr/bin/env python3
"""funclen.py [--top N] [--over N] PATH... - the length of every C function.

How it counts: a function is a definition whose opening brace stands alone
in column 0 (the project's style, docs/architecture.md "Style"); its length
is every line from the first line of its signature to its closing brace in
column 0, both included (blank lines and comments inside count too).
Signatures on one line with their body ("{ ... }") are one line long and
left out. Prints "LINES FILE:LINE NAME", longest first.

--top N   only the N longest (default 20; 0: all)
--over N  only those longer than N lines; exit 1 when there is one
"""
import os
import re
import sys

NAME = re.compile(r"([A-Za-z_][A-Za-z_0-9]*)\s*\(")


def c_files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _dirs, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(".c"):
                        yield os.path.join(root, f)
        elif p.endswith(".c"):
            yield p


def functions(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i] != "{":
            i += 1
            continue
        start = i - 1
        # the signature: back to its first line (continuations are indented)
        while start > 0 and lines[start][:1] in (" ", "\t"):
            start -= 1
        sig = " ".join(lines[start:i])
        end = i + 1
        while end < len(lines) and not lines[end].startswith("}"):
            end += 1
        m = NAME.search(sig)
        if m and "=" not in sig.split("(")[0]:
            yield end - start + 1, start + 1, m.group(1)
        i = end + 1


def main(argv):
    top, over, paths = 20, None, []
    args = iter(argv)
    for a in args:
        if a == "--top":
            top = int(next(args))
        elif a == "--over":
            over = int(next(args))
        else:
            paths.append(a)
    rows = []
    for path in c_files(paths or ["lib"]):
        for length, line, name in functions(path):
            rows.append((length, "%s:%d" % (path, line), name))
    rows.sort(key=lambda r: (-r[0], r[1]))
    if over is not None:
        rows = [r for r in rows if r[0] > over]
    if top:
        rows = rows[:top]
    for length, where, name in rows:
        print("%5d %s %s" % (length, where, name))
    return 1 if over is not None and rows else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
