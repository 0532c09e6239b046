#!/usr/bin/env python3
"""appendix-types.py [opendental-api.md]: the response fields of every
documented operation and the JSON type each field's documentation example
shows, as the spec's Appendix A lists them (its "Response fields" column),
printed as JSON for test/fixtures/appendix-a-types.json.

Appendix A was extracted from opendental.com's API pages: a field's type
is what the first example response of the operation holds (int, number,
str, boolStr, dateStr, datetimeStr, timeStr, numericStr, array).
test_shapes.py compares every served GET with it. Run it again when the
spec changes:

    tools/appendix-types.py ../shared/spec/opendental-api.md \\
        > test/fixtures/appendix-a-types.json
"""
import json
import re
import sys

ROW = re.compile(r"^\| ([^|]+) \| `(GET|POST|PUT|DELETE) ([^`]+)` \|"
                 r"[^|]*\|[^|]*\| ([^|]*) \|\s*$")


def fields(cell):
    out = []
    for part in cell.split(", "):
        name, sep, typ = part.strip().rpartition(":")
        if sep and name and re.match(r"^[A-Za-z_][\w ]*$", name):
            out.append([name, typ])
    return out


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else \
        "../shared/spec/opendental-api.md"
    ops = []
    resource = None
    previous = []
    in_appendix = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# Appendix A"):
                in_appendix = True
            if not in_appendix:
                continue
            m = re.match(r"^### (\S+)", line)
            if m:
                resource = m.group(1)
                previous = []
                continue
            m = ROW.match(line)
            if not m:
                continue
            cell = m.group(4).strip()
            got = previous if cell == "(same as previous row)" else \
                fields(cell)
            previous = got
            ops.append({"resource": resource, "operation": m.group(1).strip(),
                        "method": m.group(2), "path": m.group(3).strip(),
                        "fields": got})
    json.dump({"source": "Appendix A of the project's spec "
                         "(spec/opendental-api.md), itself extracted from "
                         "the example responses of opendental.com's API "
                         "pages; made by tools/appendix-types.py",
               "operations": ops}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
