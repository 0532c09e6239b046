#!/usr/bin/env python3
"""layers.py [--nm NM] BUILD_DIR - check lib/'s layer rules
(docs/architecture.md "Layers") from what the compiler wrote.

Includes: every BUILD_DIR/lib/**/*.d file (gcc/clang -MD output) names
the headers its source reached, directly or not. A source may reach
  - headers of its own layer and of the layers below it, never above;
  - the MySQL C API (mysql.h, errmsg.h, mysqld_error.h) only from db/,
    engine/ and features/;
  - evhttp (event2/http*.h) only from core/, http/ and features/;
  - nothing under bin/ or examples/;
  - from resources/ (descriptions: data), only core/ and engine/ headers.
Calls: with --nm (the nm program), an object's undefined od_* symbol that
an object of a higher layer defines is a call upward.

Prints one line per violation and "layers: N violations"; exit 1 when N > 0.
"""
import os
import re
import subprocess
import sys

# lowest first; lib/*.c (routes.c) is "top"
ORDER = ["core", "db", "auth", "http", "engine", "resources", "actions",
         "features", "top"]
RANK = {name: i for i, name in enumerate(ORDER)}

MYSQL = re.compile(r"(^|/)(mysql|errmsg|mysqld_error|mariadb_[a-z_]*)\.h$")
EVHTTP = re.compile(r"(^|/)event2/http[a-z_]*\.h$")
MYSQL_OK = {"db", "engine", "features"}
# layers that may reach only some of those below them: descriptions are
# data (the engine's vocabulary, core), never the server or the database
REACH = {"resources": {"core", "engine", "resources"}}
EVHTTP_OK = {"core", "http", "features"}


def layer_of(path):
    """The layer of a path under lib/ (None outside lib/)."""
    parts = os.path.normpath(path).split(os.sep)
    if "lib" not in parts:
        return None
    rest = parts[len(parts) - parts[::-1].index("lib"):]
    if len(rest) == 1:
        return "top"
    return rest[0] if rest[0] in RANK else None


def read_deps(dfile):
    """(source, [prerequisites]) of one make rule written by -MMD."""
    with open(dfile, encoding="utf-8", errors="replace") as fh:
        text = fh.read().replace("\\\n", " ")
    rule = text.split("\n\n")[0].split("\n")[0]
    _target, _, deps = rule.partition(":")
    deps = deps.split()
    return (deps[0] if deps else dfile), deps[1:]


def include_violations(build):
    out = []
    for root, _dirs, files in os.walk(os.path.join(build, "lib")):
        for f in sorted(files):
            if not f.endswith(".d"):
                continue
            src, deps = read_deps(os.path.join(root, f))
            have = layer_of(src)
            if have is None or not os.path.exists(src):
                continue  # not lib/, or left from a source since moved
            seen = set()
            for dep in deps:
                norm = dep.replace("\\", "/")
                lay = layer_of(norm)
                if lay and RANK[lay] > RANK[have]:
                    out.append("%s (%s) includes %s (%s, a layer above)"
                               % (src, have, dep, lay))
                elif lay and have in REACH and lay not in REACH[have]:
                    out.append("%s (%s) reaches %s (%s: %s reach only %s)"
                               % (src, have, dep, lay, have,
                                  ", ".join(sorted(REACH[have]))))
                elif (MYSQL.search(norm) and have not in MYSQL_OK
                      and "mysql" not in seen):
                    seen.add("mysql")  # one line per source, not per header
                    out.append("%s (%s) reaches the MySQL C API: %s"
                               % (src, have, dep))
                elif (EVHTTP.search(norm) and have not in EVHTTP_OK
                      and "evhttp" not in seen):
                    seen.add("evhttp")
                    out.append("%s (%s) reaches evhttp: %s" % (src, have, dep))
                elif re.match(r"(\./)?(bin|examples)/", norm):
                    out.append("%s reaches %s (programs are above the library)"
                               % (src, dep))
    return out


def symbols(nm, obj):
    res = subprocess.run([nm, obj], capture_output=True, text=True,
                         check=True)
    defined, undefined = set(), set()
    for line in res.stdout.splitlines():
        bits = line.split()
        if len(bits) == 2 and bits[0] == "U":
            undefined.add(bits[1])
        elif len(bits) == 3 and bits[1] in "TDBRVWC":
            defined.add(bits[2])
    return defined, undefined


def call_violations(build, nm):
    objs = []
    for root, _dirs, files in os.walk(os.path.join(build, "lib")):
        for f in sorted(files):
            obj = os.path.join(root, f)
            dfile = obj[:-2] + ".d"
            if f.endswith(".o") and os.path.exists(dfile) and \
                    os.path.exists(read_deps(dfile)[0]):
                objs.append(obj)
    where, needs = {}, {}
    for obj in objs:
        lay = layer_of(obj)
        if lay is None:
            continue
        defined, undefined = symbols(nm, obj)
        for s in defined:
            where[s] = (obj, lay)
        needs[obj] = (lay, undefined)
    out = []
    for obj, (lay, undefined) in sorted(needs.items()):
        for s in sorted(undefined):
            if not s.startswith("od_") or s not in where:
                continue
            dobj, dlay = where[s]
            if RANK[dlay] > RANK[lay]:
                out.append("%s (%s) calls %s of %s (%s, a layer above)"
                           % (obj, lay, s, dobj, dlay))
    return out


def main(argv):
    nm, build = None, None
    args = iter(argv)
    for a in args:
        if a == "--nm":
            nm = next(args)
        else:
            build = a
    if not build or not os.path.isdir(os.path.join(build, "lib")):
        print("usage: layers.py [--nm NM] BUILD_DIR (with BUILD_DIR/lib)",
              file=sys.stderr)
        return 2
    bad = include_violations(build)
    if nm:
        bad += call_violations(build, nm)
    for line in bad:
        print(line)
    print("layers: %d violations" % len(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
