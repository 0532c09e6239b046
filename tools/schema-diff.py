#!/usr/bin/env python3
"""schema-diff.py - compare the sandbox schema (data/od-schema.sql) with an
Open Dental database's own (test/fixtures/od-full-schema.sql).

Where both have a table, every column they share must have Open Dental's
type and length, in Open Dental's order, and every column of Open
Dental's must be there. Allowed differences:
  - a column whose comment says "after 24.3" (a later Open Dental version
    added or changed it; the sandbox follows the newest API);
  - tables of libodapi's own (named odapi_*);
  - DEFAULT clauses, AUTO_INCREMENT, collations and the table character
    set (the sandbox is utf8mb4 with explicit blank defaults: data/
    od-schema.sql's header).
Prints each other difference and exits 1 when there is one.

    python3 tools/schema-diff.py [OURS [THEIRS]]
"""
import os
import re
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
LATER = "after 24.3"


def parse(path):
    """{table: [(column, definition, comment)]} of the CREATE TABLEs."""
    tables, cur = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"CREATE TABLE (?:IF NOT EXISTS )?`(\w+)`", line)
            if m:
                cur = tables.setdefault(m.group(1), [])
                continue
            if cur is None:
                continue
            if line.startswith(")"):
                cur = None
                continue
            m = re.match(r"\s+`(\w+)` (.*)$", line.rstrip("\n"))
            if m:
                body, _, comment = m.group(2).partition("--")
                cur.append((m.group(1), body.strip().rstrip(","), comment))
    return tables


def norm(definition):
    d = re.sub(r" DEFAULT ('[^']*'|\S+)( ON UPDATE \S+)?", "", definition)
    d = re.sub(r" (COLLATE|CHARACTER SET) \w+", "", d)
    return d.replace(" AUTO_INCREMENT", "").strip()


def compare(ours, theirs):
    problems = []
    for table, cols in ours.items():
        if table not in theirs:
            if not table.startswith("odapi_"):
                problems.append("%s: not an Open Dental 24.3 table" % table)
            continue
        mine = {c: (d, k) for c, d, k in cols}
        od = {c: d for c, d, _ in theirs[table]}
        for col, (d, comment) in mine.items():
            later = LATER in comment
            if col not in od:
                if not later:
                    problems.append("%s.%s: not in Open Dental 24.3 (mark "
                                    "it '%s' if a later version added it)"
                                    % (table, col, LATER))
            elif norm(d) != norm(od[col]) and not later:
                problems.append("%s.%s: %s here, %s in Open Dental 24.3"
                                % (table, col, norm(d), norm(od[col])))
        for col in od:
            if col not in mine:
                problems.append("%s.%s: missing (Open Dental 24.3 has %s)"
                                % (table, col, norm(od[col])))
        shared = [c for c, _, _ in cols if c in od]
        order = [c for c, _, _ in theirs[table] if c in mine]
        if shared != order:
            problems.append("%s: columns not in Open Dental's order (%s)"
                            % (table, ", ".join(order)))
    return problems


def main(argv):
    ours = argv[1] if len(argv) > 1 else os.path.join(TOP, "data",
                                                       "od-schema.sql")
    theirs = argv[2] if len(argv) > 2 else os.path.join(
        TOP, "test", "fixtures", "od-full-schema.sql")
    problems = compare(parse(ours), parse(theirs))
    for p in problems:
        print(p)
    print("schema-diff: %d difference%s" % (len(problems),
                                           "" if len(problems) == 1 else "s"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
