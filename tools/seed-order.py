#!/usr/bin/env python3
"""seed-order.py - the sandbox seed must not depend on the compiler.

C leaves the order in which a call's arguments are evaluated open (gcc
and clang differ), so a call with two arguments that each draw from the
seed's random generator gives other rows under another compiler. This
lists such calls in lib/db/seed*.c: a function's arguments draw when they
call a function that takes the generator (`struct rng *`). Exit 1 when
one is found. Run by test/run.sh; docs/sandbox.md.
"""
import glob
import os
import re
import sys

KEYWORDS = {"if", "while", "for", "switch", "return", "sizeof"}


def call_args(s, i):
    """The top-level arguments of the call whose '(' is at s[i]."""
    depth, cur, out, j = 0, "", [], i
    while j < len(s):
        c = s[j]
        if c in "\"'":
            k = j + 1
            while s[k] != c:
                k += 2 if s[k] == "\\" else 1
            cur += s[j:k + 1]
            j = k + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                out.append(cur)
                return out
        if c == "," and depth == 1:
            out.append(cur)
            cur = ""
        elif depth > 1 or (depth == 1 and c != "("):
            cur += c
        j += 1
    return out


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "."
    files = sorted(glob.glob(os.path.join(top, "lib/db/seed*.c")) +
                   glob.glob(os.path.join(top, "lib/db/seed*-internal.h")))
    src = {f: open(f, encoding="utf-8").read() for f in files}
    # strip comments so that prose is not read as calls
    src = {f: re.sub(r"/\*.*?\*/", " ", s, flags=re.S) for f, s in src.items()}
    drawers = set()
    for s in src.values():
        drawers.update(re.findall(r"\b([a-z_0-9]+)\s*\(\s*struct rng \*", s))
    drawers -= KEYWORDS
    if not drawers:
        print("seed-order: no generator functions found", file=sys.stderr)
        return 1
    draws = re.compile(r"\b(" + "|".join(sorted(drawers)) + r")\s*\(")
    found = 0
    for f, s in src.items():
        for m in re.finditer(r"\b([A-Za-z_][A-Za-z_0-9]*)\s*\(", s):
            if m.group(1) in KEYWORDS:
                continue
            n = sum(1 for a in call_args(s, m.end() - 1) if draws.search(a))
            if n >= 2:
                line = s.count("\n", 0, m.start()) + 1
                print(f"{os.path.relpath(f, top)}:{line}: {m.group(1)}() has "
                      f"{n} arguments that draw: draw them into locals first")
                found += 1
    print(f"seed-order: {found} calls with arguments drawn in an unspecified "
          f"order ({len(files)} files, {len(drawers)} drawing functions)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
