#!/usr/bin/env python3
"""inline-redoc.py PAGE: print the page `redocly build-docs` wrote with
its one script (Redoc, which it loads from a CDN) put inline from the
copy installed with Redocly's CLI, so build/doc/api-reference.html works
with no network (make api-reference). Without that copy the page keeps
the CDN link, and this says so on stderr."""
import os
import re
import subprocess
import sys


def bundle():
    roots = []
    try:
        roots.append(subprocess.run(["npm", "root", "-g"], capture_output=True,
                                    text=True, timeout=60).stdout.strip())
    except OSError:
        pass
    roots += ["/usr/lib/node_modules", "/usr/local/lib/node_modules"]
    for root in roots:
        for rel in ("@redocly/cli/node_modules/redoc", "redoc"):
            path = os.path.join(root, rel, "bundles", "redoc.standalone.js")
            if root and os.path.exists(path):
                return path
    return None


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        page = f.read()
    tag = re.search(r'<script src="https://cdn\.redocly\.com/[^"]*'
                    r'redoc\.standalone\.js"></script>', page)
    path = bundle()
    if tag and path:
        with open(path, encoding="utf-8") as f:
            js = f.read()
        if "</script" not in js:
            page = page[:tag.start()] + "<script>" + js + "</script>" + \
                page[tag.end():]
            tag = None
    if tag:
        print("inline-redoc: Redoc stays on its CDN (no local copy)",
              file=sys.stderr)
    sys.stdout.write(page)


if __name__ == "__main__":
    main()
