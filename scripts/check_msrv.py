#!/usr/bin/env python3
"""Checks the MSRV: every crate declares the workspace's `rust-version`, and CI really builds with that toolchain.

The declared version must be the rustc that runs the tests (then the whole CI run is the MSRV build), or a rustup
toolchain of that version, with which the workspace is checked here. Otherwise the MSRV is a claim no build
checks, and the script fails.

    python3 scripts/check_msrv.py          # exit 1 if the MSRV is not built
    python3 scripts/check_msrv.py --self-test
"""
import json
import re
import subprocess
import sys
import tomllib


def is_version(rustc_version_line, msrv):
    """Whether `rustc 1.95.0 (…)` is the toolchain `rust-version = "1.95"` (or "1.95.0") names."""
    found = re.match(r"rustc (\d+)\.(\d+)\.(\d+)(\S*)", rustc_version_line)
    if not found or found.group(4):  # a nightly or beta is not the stable release the MSRV names
        return False
    wanted = [int(part) for part in msrv.split(".")]
    return [int(found.group(i)) for i in (1, 2, 3)][: len(wanted)] == wanted


def self_test():
    assert is_version("rustc 1.95.0 (59807616e 2026-04-14)", "1.95")
    assert is_version("rustc 1.95.0 (59807616e 2026-04-14)", "1.95.0")
    assert is_version("rustc 1.95.1 (aaaaaaaaa 2026-05-01)", "1.95")
    assert not is_version("rustc 1.95.1 (aaaaaaaaa 2026-05-01)", "1.95.0")
    assert not is_version("rustc 1.96.0 (aaaaaaaaa 2026-05-28)", "1.95")
    assert not is_version("rustc 1.9.0 (aaaaaaaaa 2016-05-28)", "1.95")
    assert not is_version("rustc 1.95.0-nightly (e50aa6fba 2026-03-01)", "1.95")
    assert not is_version("rustc 1.85.0 (4d91de4e4 2025-02-17) (built from a source tarball)", "1.88")
    print("check_msrv self-test passed")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    with open("Cargo.toml", "rb") as f:
        msrv = tomllib.load(f)["workspace"]["package"]["rust-version"]
    metadata = json.loads(subprocess.run(["cargo", "metadata", "--no-deps", "--format-version", "1"],
                                         check=True, capture_output=True, text=True).stdout)
    wrong = [f"{p['name']} ({p['rust_version']})" for p in metadata["packages"] if p["rust_version"] != msrv]
    if wrong:
        print(f"error: crates that do not declare the workspace's rust-version {msrv}: {', '.join(wrong)}")
        return 1
    rustc = subprocess.run(["rustc", "--version"], check=True, capture_output=True, text=True).stdout.strip()
    if is_version(rustc, msrv):
        print(f"rust-version {msrv}, declared by all {len(metadata['packages'])} crates: {rustc} builds and tests "
              "everything in this run")
        return 0
    toolchains = subprocess.run(["rustup", "toolchain", "list"], capture_output=True, text=True).stdout.split()
    if any(t == msrv or t.startswith(msrv + "-") for t in toolchains):
        print(f"rust-version {msrv}: checking the workspace with `cargo +{msrv}` (the tests run on {rustc})")
        return subprocess.run(["cargo", f"+{msrv}", "check", "--workspace", "--all-features", "--all-targets",
                               "--locked"]).returncode
    print(f"error: rust-version {msrv} is not a toolchain this machine builds with ({rustc}; rustup has "
          f"{', '.join(t for t in toolchains if t[0].isdigit() or t.startswith(('stable', 'nightly'))) or 'none'}): "
          "declare one that CI builds with")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
