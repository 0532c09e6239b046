"""The ABI and packaging checks of test/abi/, run by `make check`:
exported symbols, headers compiled alone (C99, C11, C++), man pages for
every public function, and install + pkg-config consumers (shared and
static)."""
import os
import subprocess

import pytest

TOP = os.environ.get("ODAPI_TOP") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))


def run_script(name, timeout=300):
    path = os.path.join(TOP, "test", "abi", name)
    out = subprocess.run(["sh", path], cwd=TOP, capture_output=True,
                         text=True, timeout=timeout)
    if out.returncode != 0:
        pytest.fail("%s failed (exit %d):\n%s%s" % (
            name, out.returncode, out.stdout[-6000:], out.stderr[-3000:]))
    return out.stdout


def test_only_odapi_symbols_exported():
    assert "exports: ok" in run_script("exports.sh")


def test_public_headers_compile_alone():
    assert "headers: ok" in run_script("headers.sh")


def test_every_public_function_has_a_man_page():
    assert "manpages: ok" in run_script("manpages.sh")


def test_install_and_pkg_config_consumers():
    assert "install: ok" in run_script("install.sh", timeout=600)


def test_one_version_story():
    assert "version: ok" in run_script("version.sh")
