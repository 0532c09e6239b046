"""tools/layers.py, the layer check `make check` runs (test/run.sh "==
layers"): it passes on the tree as built, and it fails on each kind of
violation, made here in a small tree of its own with the real compiler:
an include of a layer above, the HTTP core reaching mysql.h, the database
layer reaching evhttp, a description reaching the server, and a call from
a lower layer's object into a higher one's."""
import os
import shlex
import subprocess

import pytest

TOP = os.environ.get("ODAPI_TOP") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.path.join(TOP, "tools", "layers.py")
CC = os.environ.get("CC", "cc")


def layers(build, cwd):
    return subprocess.run(["python3", TOOL, "--nm", "nm", build], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def pkg_cflags(pkg):
    out = subprocess.run(["pkg-config", "--cflags", pkg],
                         capture_output=True, text=True)
    return shlex.split(out.stdout)


def compile_one(tree, rel, text, extra=()):
    src = os.path.join(tree, "lib", rel)
    obj = os.path.join(tree, "build", "lib", rel[:-2] + ".o")
    os.makedirs(os.path.dirname(src), exist_ok=True)
    os.makedirs(os.path.dirname(obj), exist_ok=True)
    with open(src, "w") as f:
        f.write(text)
    subprocess.run([CC, "-c", "-MD", "-Ilib", *extra, "lib/" + rel, "-o",
                    obj], cwd=tree, check=True)


def test_the_tree_as_built_holds():
    out = layers(os.path.join(TOP, "build"), TOP)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip().endswith("layers: 0 violations")


@pytest.fixture
def tree(tmp_path):
    t = str(tmp_path)
    os.makedirs(os.path.join(t, "lib", "engine"))
    with open(os.path.join(t, "lib", "engine", "up-internal.h"), "w") as f:
        f.write("int od_up(void);\n")
    os.makedirs(os.path.join(t, "lib", "http"))
    with open(os.path.join(t, "lib", "http", "srv-internal.h"), "w") as f:
        f.write("struct od_srv;\n")
    compile_one(t, "engine/up.c", '#include "engine/up-internal.h"\n'
                "int od_up(void) { return 1; }\n")
    return t


def test_an_include_from_below_fails(tree):
    compile_one(tree, "core/low.c", '#include "engine/up-internal.h"\n'
                "int od_low(void);\nint od_low(void) { return 0; }\n")
    out = layers("build", tree)
    assert out.returncode == 1
    assert ("lib/core/low.c (core) includes lib/engine/up-internal.h "
            "(engine, a layer above)") in out.stdout


def test_a_call_from_below_fails(tree):
    compile_one(tree, "db/calls.c", "int od_up(void);\n"
                "int od_low(void);\nint od_low(void) { return od_up(); }\n")
    out = layers("build", tree)
    assert out.returncode == 1
    assert "(db) calls od_up of" in out.stdout
    assert "(engine, a layer above)" in out.stdout


def test_the_http_core_reaching_mysql_fails(tree):
    compile_one(tree, "http/db.c", "#include <mysql.h>\n"
                "int od_x(void);\nint od_x(void) { return 0; }\n",
                pkg_cflags("libmariadb"))
    out = layers("build", tree)
    assert out.returncode == 1
    assert "lib/http/db.c (http) reaches the MySQL C API" in out.stdout


def test_the_database_layer_reaching_evhttp_fails(tree):
    compile_one(tree, "db/web.c", "#include <event2/http.h>\n"
                "int od_x(void);\nint od_x(void) { return 0; }\n",
                pkg_cflags("libevent_core"))
    out = layers("build", tree)
    assert out.returncode == 1
    assert "lib/db/web.c (db) reaches evhttp" in out.stdout


def test_a_description_reaching_the_server_fails(tree):
    compile_one(tree, "resources/desc.c", '#include "http/srv-internal.h"\n'
                "int od_x;\n")
    out = layers("build", tree)
    assert out.returncode == 1
    assert ("lib/resources/desc.c (resources) reaches "
            "lib/http/srv-internal.h") in out.stdout


def test_a_clean_tree_passes(tree):
    compile_one(tree, "actions/ok.c", '#include "engine/up-internal.h"\n'
                "int od_ok(void);\nint od_ok(void) { return od_up(); }\n")
    out = layers("build", tree)
    assert out.returncode == 0, out.stdout
