"""skips.py JUNIT.XML [EXTRA.TSV] - the skipped tests of a run, grouped by
reason, most frequent first: "  N  reason" and a few of the tests' names.

EXTRA.TSV holds skips from outside pytest (the cmocka unit tests), one
"name<TAB>reason" a line. test/run.sh prints this before its closing line
so that no skip goes unseen (docs/testing.md)."""
import collections
import sys
import xml.etree.ElementTree as ET

SHOW = 3  # test names shown per reason


def reason_of(el):
    """pytest writes the reason as message="...", sometimes prefixed."""
    msg = el.get("message") or (el.text or "").strip() or "no reason given"
    for prefix in ("Skipped: ", "skipped: "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return " ".join(msg.split())


def pytest_skips(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return
    for case in root.iter("testcase"):
        for el in case.findall("skipped"):
            name = case.get("name", "?")
            cls = case.get("classname", "").rsplit(".", 1)[-1]
            yield "%s::%s" % (cls, name) if cls else name, reason_of(el)


def extra_skips(path):
    try:
        with open(path) as f:
            for line in f:
                name, _, reason = line.rstrip("\n").partition("\t")
                if name:
                    yield name, reason or "no reason given"
    except OSError:
        return


def main(argv):
    groups = collections.OrderedDict()
    for name, reason in list(pytest_skips(argv[1])) + list(
            extra_skips(argv[2]) if len(argv) > 2 else []):
        groups.setdefault(reason, []).append(name)
    for reason, names in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        more = " ..." if len(names) > SHOW else ""
        print("%5d  %s" % (len(names), reason))
        print("       (%s%s)" % (", ".join(names[:SHOW]), more))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
