#!/usr/bin/env python3
"""Checks the `.crate` files `cargo package --workspace` wrote: what each published crate holds, and its size.

- Every workspace crate is packaged, each under crates.io's upload limit (10 MiB).
- The crates whose build scripts read the spec (okta-management-types, okta-management-mock) hold it, byte for
  byte the committed `spec/okta-management-<version>.yaml` (their `spec/` entries are links to it in git).
- None holds what only the repository needs: the CI scripts, the benchmarks, the Node SDK check, the fuzz targets,
  or tests that read the workspace or ../shared.

    python3 scripts/check_package.py target/packaging/package spec/okta-management-2026.06.3.yaml   # exit 1 on a violation
    python3 scripts/check_package.py --self-test
"""
import hashlib
import io
import os
import sys
import tarfile
import tempfile

CRATES_IO_LIMIT = 10 * 1024 * 1024
VERSION = "0.2.0"
# crate → files it must hold (the spec's name is filled in from the committed spec).
REQUIRED = {
    "okta-management": ["Cargo.toml", "build.rs", "src/lib.rs", "README.md", "CHANGELOG.md", "examples/quickstart.rs"],
    "okta-management-types": ["Cargo.toml", "build.rs", "src/lib.rs", "{spec}"],
    "okta-management-mock": ["Cargo.toml", "build.rs", "src/lib.rs", "src/main.rs", "{spec}"],
    "okta-management-codegen": ["Cargo.toml", "src/lib.rs"],
    "okta-management-runtime": ["Cargo.toml", "src/lib.rs"],
    "okta-management-hooks": ["Cargo.toml", "src/lib.rs"],
    "okta-management-decode": ["Cargo.toml", "src/lib.rs"],
}
# Path prefixes no published crate may hold.
FORBIDDEN_EVERYWHERE = [".ci/", "benches/", "scripts/", "fuzz/", "target/", "tests/node_sdk/", "tests/fixtures/"]
# …and those only some may not: the main crate's tests need the workspace and ../shared, its spec is the types
# crate's; the generator's integration tests read the types crate and ../shared.
FORBIDDEN = {"okta-management": ["tests/", "spec/"], "okta-management-codegen": ["tests/"]}


def crate_files(path):
    """{path inside the crate: bytes} of a .crate file (a gzipped tar whose entries start with `name-version/`)."""
    files = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            inner = member.name.split("/", 1)[1] if "/" in member.name else member.name
            handle = tar.extractfile(member)
            files[inner] = handle.read() if handle else b""
    return files


def check(package_dir, spec_path, limit=CRATES_IO_LIMIT):
    """The problems found, one line each, and a table of what each crate holds."""
    with open(spec_path, "rb") as f:
        spec_bytes = f.read()
    spec_name = "spec/" + os.path.basename(spec_path)
    problems, table = [], []
    for crate, required in REQUIRED.items():
        path = os.path.join(package_dir, f"{crate}-{VERSION}.crate")
        if not os.path.isfile(path):
            problems.append(f"{crate}: {path} was not packaged")
            continue
        size = os.path.getsize(path)
        try:
            files = crate_files(path)
        except (tarfile.TarError, OSError, EOFError) as e:
            problems.append(f"{crate}: {path} is not a readable .crate: {e}")
            continue
        table.append(f"{crate:<26} {len(files):>4} files {size / 1024:>8.1f} KiB compressed "
                     f"{sum(len(b) for b in files.values()) / 1024:>8.1f} KiB unpacked")
        if size > limit:
            problems.append(f"{crate}: {size} bytes, over the {limit}-byte upload limit")
        for name in (r.format(spec=spec_name) for r in required):
            if name not in files:
                problems.append(f"{crate}: {name} is missing")
            elif name == spec_name and hashlib.sha256(files[name]).digest() != hashlib.sha256(spec_bytes).digest():
                problems.append(f"{crate}: {name} differs from the committed {spec_path}")
        forbidden = FORBIDDEN_EVERYWHERE + FORBIDDEN.get(crate, [])
        for name in sorted(files):
            prefix = next((p for p in forbidden if name.startswith(p)), None)
            if prefix:
                problems.append(f"{crate}: holds {name} (under {prefix}, which only the repository needs)")
    return problems, table


def write_crate(directory, crate, files):
    with tarfile.open(os.path.join(directory, f"{crate}-{VERSION}.crate"), "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{crate}-{VERSION}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def self_test():
    """A good set of crates passes; each kind of violation is named."""
    with tempfile.TemporaryDirectory() as d:
        spec = os.path.join(d, "okta-management-2026.06.3.yaml")
        with open(spec, "wb") as f:
            f.write(b"openapi: 3.0.3\n")
        good = {c: {r.format(spec="spec/okta-management-2026.06.3.yaml"): b"openapi: 3.0.3\n" for r in req}
                for c, req in REQUIRED.items()}
        pkg = os.path.join(d, "good")
        os.mkdir(pkg)
        for crate, files in good.items():
            write_crate(pkg, crate, files)
        problems, table = check(pkg, spec)
        assert problems == [], problems
        assert len(table) == len(REQUIRED), table

        bad = os.path.join(d, "bad")
        os.mkdir(bad)
        for crate, files in good.items():
            files = dict(files)
            if crate == "okta-management":
                files["tests/node_sdk/package.json"] = b"{}"
                files["tests/it/main.rs"] = b""
            if crate == "okta-management-types":
                files["spec/okta-management-2026.06.3.yaml"] = b"openapi: 3.1.0\n"
            if crate == "okta-management-mock":
                del files["spec/okta-management-2026.06.3.yaml"]
                files["src/big.rs"] = os.urandom(4096)
            if crate != "okta-management-decode":
                write_crate(bad, crate, files)
        problems, _ = check(bad, spec, limit=2048)
        expected = [
            "okta-management: holds tests/node_sdk/package.json",
            "okta-management: holds tests/it/main.rs",
            "okta-management-types: spec/okta-management-2026.06.3.yaml differs",
            "okta-management-mock: spec/okta-management-2026.06.3.yaml is missing",
            "okta-management-mock: ",  # over the limit
            "okta-management-decode: ",  # not packaged
        ]
        for start in expected:
            assert any(p.startswith(start) for p in problems), (start, problems)
        assert any("over the 2048-byte upload limit" in p for p in problems), problems
        assert any("was not packaged" in p for p in problems), problems
        assert len(problems) == 6, problems
    print("check_package self-test passed")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    problems, table = check(argv[1], argv[2])
    print("\n".join(table))
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
