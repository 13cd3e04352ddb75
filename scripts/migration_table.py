#!/usr/bin/env python3
"""Writes the 0.1.0 -> 0.2.0 migration table into CHANGELOG.md, between the lines `<!-- migration-table:start -->`
and `<!-- migration-table:end -->` (exit 1 if they are missing). It compares spec 2024.08.3 with spec 2026.06.3
and the generated code of the two builds (OUT_DIRs holding okta_manifest.rs, okta_generated.rs, okta_models.rs,
normalised-spec.json): removed methods, changed builder parameters and body types, added methods per cargo feature,
renamed model types (same property names, unique match) and removed model types. Summary counts go to stderr.

The old side is 0.1.0's own output: build commit 3a8736b (the last 0.1.0 commit) with OKTA_SPEC_PATH at the
2024.08.3 file (`git worktree add /tmp/old 3a8736b && cd /tmp/old && OKTA_SPEC_PATH=… cargo check --lib`); the new
side is this checkout's `cargo check --lib` with no OKTA_SPEC_PATH. Pass each build's OUT_DIR
(target/debug/build/okta-management-*/out).

Usage (see --help for the defaults):
    python3 scripts/migration_table.py [--print] [--changelog CHANGELOG.md] [--old-spec YAML] [--new-spec YAML] \
        [--old-out /tmp/out-2024.08.3] [--new-out /tmp/out-2026.06.3]
"""
import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
START, END = "<!-- migration-table:start -->", "<!-- migration-table:end -->"
# Identifiers syn refuses, which progenitor's `sanitize` suffixes with `_` (`type` -> `type_`).
KEYWORDS = set("""as async await break const continue crate dyn else enum extern false fn for if impl in let loop match
    mod move mut pub ref return self Self static struct super trait true type unsafe use where while abstract become
    box do final macro override priv typeof unsized virtual yield try""".split())
# Removed operationId -> operationId of the new spec to use instead; only where the new spec shows the replacement.
USE_INSTEAD = {
    # Same method and path (POST /api/v1/directories/{appInstanceId}/groups/modify), renamed for AD and LDAP.
    "updateADGroupMembership": "updateGroupMembership",
    # /api/v1/org/logo is gone; the logo is set per brand theme (present in both specs).
    "uploadOrgLogo": "uploadBrandThemeLogo",
    # The /api/v1/sessions/me forms (session cookie only) are gone; the same operations remain by session id.
    "getCurrentSession": "getSession",
    "refreshCurrentSession": "refreshSession",
    "closeCurrentSession": "revokeSession",
    # /api/v1/users/me/lifecycle/delete_sessions is gone; the new spec allows `me` for the userId of /users paths.
    "endUserSessions": "revokeUserSessions",
    # No replacement in the new spec: createSession, the Risk Providers/Events API (the SSF APIs differ and already
    # existed in 2024.08.3), the Desktop MFA recovery PIN setting.
}


def words(name: str) -> list[str]:
    """heck's word split: non-alphanumerics separate words, as do lower->Upper and the last capital of an acronym."""
    out = []
    for part in re.split(r"[^0-9A-Za-z]+", name):
        init, mode = 0, None
        for i, c in enumerate(part):
            if i + 1 == len(part):
                out.append(part[init:])
                break
            nxt = part[i + 1]
            next_mode = "lower" if c.islower() else "upper" if c.isupper() else mode
            if next_mode == "lower" and nxt.isupper():
                out.append(part[init:i + 1])
                init, mode = i + 1, None
            elif mode == "upper" and c.isupper() and nxt.islower():
                out.append(part[init:i])
                init, mode = i, None
            else:
                mode = next_mode
    return [w for w in out if w]


def snake(name: str) -> str:  # progenitor's setter and method names
    out = "_".join(w.lower() for w in words(name))
    return out + "_" if out in KEYWORDS else out


def pascal(name: str) -> str:  # typify's type names
    return "".join(w[0].upper() + w[1:].lower() for w in words(name))


def manifest(out: Path) -> dict[str, dict]:
    pat = re.compile(r'(\w+): (?:"([^"]*)"|(true|false))')
    lines = (out / "okta_manifest.rs").read_text().splitlines()
    ops = [{k: s or b for k, s, b in pat.findall(line)} for line in lines if "crate::manifest::Operation {" in line]
    return {op["operation_id"]: op for op in ops}


def model_types(out: Path) -> set[str]:
    """Structs and enums of `pub mod types` (its nested modules excluded) and the open enums / tagged unions."""
    names, inside, doc = set(), False, False  # doc: inside a `/** ... */` doc block, whose lines may be at column 0
    for line in (out / "okta_generated.rs").read_text().splitlines():
        if doc or "/**" in line:
            doc = "*/" not in line.split("/**")[-1]
        elif line == "pub mod types {":
            inside = True
        elif inside and line == "}":
            break
        elif inside and (m := re.match(r"    pub (?:struct|enum) (\w+)", line)):
            names.add(m[1])
    models = (out / "okta_models.rs").read_text()
    return names | set(re.findall(r"^crate::(?:open_enum|tagged_union)! \{ (\w+)", models, re.M))


def operations(spec: dict) -> dict[str, tuple]:
    return {op["operationId"]: (method, path, op, item) for path, item in spec["paths"].items()
            for method, op in item.items() if method in METHODS and isinstance(op, dict) and "operationId" in op}


def params(spec: dict, op: dict, item: dict) -> dict[str, str]:
    """Setter name -> location (path, query, header) of the path-item's and the operation's parameters."""
    refs = spec["components"].get("parameters", {})
    found = item.get("parameters", []) + op.get("parameters", [])
    found = (refs[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p for p in found)
    return {snake(p["name"]): p["in"] for p in found}


def body_type(op: dict) -> str | None:
    content = (op.get("requestBody") or {}).get("content", {})
    schema = next((v.get("schema", {}) for k, v in content.items() if "json" in k), None)
    if schema is None:
        return None
    if "$ref" in schema:
        return pascal(schema["$ref"].rsplit("/", 1)[-1])
    if schema.get("type") == "array" and "$ref" in schema.get("items", {}):
        return f"Vec<{pascal(schema['items']['$ref'].rsplit('/', 1)[-1])}>"
    return schema.get("type", "inline")


def main() -> None:
    ap = argparse.ArgumentParser(description="Write the 0.1.0 -> 0.2.0 migration table into CHANGELOG.md.")
    for flag, default in (("--old-spec", ROOT.parent / "shared/spec/okta-management-2024.08.3.yaml"),
                          ("--new-spec", ROOT.parent / "shared/spec/okta-management-2026.06.3.yaml"),
                          ("--old-out", "/tmp/out-2024.08.3"), ("--new-out", "/tmp/out-2026.06.3"),
                          ("--changelog", ROOT / "CHANGELOG.md")):
        ap.add_argument(flag, type=Path, default=Path(default), help="default: %(default)s")
    ap.add_argument("--print", action="store_true", help="print the table to stdout instead of editing the changelog")
    a = ap.parse_args()

    old_man, new_man = manifest(a.old_out), manifest(a.new_out)
    old_spec, new_spec = (yaml.load(p.read_text("utf-8"), Loader=yaml.CSafeLoader) for p in (a.old_spec, a.new_spec))
    old_ops, new_ops = operations(old_spec), operations(new_spec)
    assert set(old_ops) == set(old_man) and set(new_ops) == set(new_man), "manifest and spec disagree"
    old_norm, new_norm = (json.loads((o / "normalised-spec.json").read_text()) for o in (a.old_out, a.new_out))
    old_body, new_body = ({i: body_type(v[2]) for i, v in operations(n).items()} for n in (old_norm, new_norm))
    md = [f"Generated by `scripts/migration_table.py` from specs {old_spec['info']['version']} and "
          f"{new_spec['info']['version']} and the code generated from each.", ""]

    removed = sorted((old_man[i] for i in set(old_man) - set(new_man)), key=lambda o: o["rust_method"])
    md += [f"#### Removed methods ({len(removed)})", "", "| Method | operationId | Endpoint | Use instead |",
           "|---|---|---|---|"]
    for o in removed:
        instead = USE_INSTEAD.get(o["operation_id"])
        instead = f"`{new_man[instead]['rust_method']}`" if instead else ""
        md.append(f"| `{o['rust_method']}` | `{o['operation_id']}` | `{o['method']} {o['path']}` | {instead} |")

    changed = []
    for i in sorted(set(old_man) & set(new_man), key=lambda i: new_man[i]["rust_method"]):
        old_p, new_p = params(old_spec, *old_ops[i][2:]), params(new_spec, *new_ops[i][2:])
        gone, added = sorted(set(old_p) - set(new_p)), sorted(set(new_p) - set(old_p))
        notes = []
        if len(gone) == len(added) == 1 and old_p[gone[0]] == new_p[added[0]] == "path":
            notes.append(f"`.{gone[0]}()` → `.{added[0]}()`")
        else:
            notes += [("removed " if k == 0 else "added ") + ", ".join(f"`.{n}()`" for n in ns)
                      for k, ns in enumerate((gone, added)) if ns]
        if old_body.get(i) != new_body.get(i) and i in old_body and i in new_body:
            notes.append(f"body `{old_body[i]}` → `{new_body[i]}`")
        if notes:
            changed.append(f"| `{new_man[i]['rust_method']}` | {'; '.join(notes)} |")
    md += ["", f"#### Changed builder parameters ({len(changed)})", "", "| Method | Change |", "|---|---|", *changed]

    added = Counter(new_man[i]["group"] for i in set(new_man) - set(old_man))
    md += ["", f"#### Added methods ({sum(added.values())})", "", "| Cargo feature | Methods |", "|---|---|"]
    md += [f"| `{g}` | {n} |" for g, n in sorted(added.items())]

    old_types, new_types = model_types(a.old_out), model_types(a.new_out)
    props = [{pascal(k): frozenset(v.get("properties", {})) for k, v in n["components"]["schemas"].items()}
             for n in (old_norm, new_norm)]
    old_only, new_only = old_types - new_types, new_types - old_types
    by_props = Counter(props[1].get(t) for t in new_only)
    from_props = Counter(props[0].get(t) for t in old_only)
    renamed = {}
    for t in old_only:
        p = props[0].get(t, frozenset())
        if len(p) >= 2 and by_props[p] == 1 and from_props[p] == 1:
            renamed[t] = next(n for n in new_only if props[1].get(n) == p)
    md += ["", f"#### Renamed types ({len(renamed)})", "",
           "A type gone from 0.1.0 whose properties are exactly those of one new type; check the new type's docs.",
           "", "| Old | New |", "|---|---|"]
    md += [f"| `{o}` | `{n}` |" for o, n in sorted(renamed.items())]
    gone_types = sorted(old_only - set(renamed))
    md += ["", f"#### Removed types ({len(gone_types)})", "", ", ".join(f"`{t}`" for t in gone_types)]

    print(f"operations: {len(old_man)} old, {len(new_man)} new; removed {len(removed)}, added {sum(added.values())}, "
          f"changed parameters/body {len(changed)}; model types: {len(old_types)} old, {len(new_types)} new, "
          f"renamed {len(renamed)}, removed {len(gone_types)}, added {len(new_only) - len(renamed)}", file=sys.stderr)
    table = "\n".join(md) + "\n"
    if a.print:
        sys.stdout.write(table)
        return
    lines = a.changelog.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.strip() == START]
    ends = [n for n, line in enumerate(lines) if line.strip() == END]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        sys.exit(f"error: {a.changelog} needs one line {START} followed by one line {END}")
    lines[starts[0] + 1:ends[0]] = ["\n", table, "\n"]
    a.changelog.write_text("".join(lines), encoding="utf-8")
    print(f"wrote the migration table into {a.changelog}", file=sys.stderr)


if __name__ == "__main__":
    main()
