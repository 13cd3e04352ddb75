#!/usr/bin/env python3
"""Checks the public API of a crate, as rustdoc's JSON output describes it, against its `external-types.toml`.

Every type, trait or item of another crate that a public item names (in a signature, a field, a trait impl, a
re-export) must match one of the patterns the crate lists in `allowed_external_types` (`crate::path::Item`, or
`crate::*` for a whole crate). A crate not listed can never leak into the API unnoticed (the `progenitor_client`
types once did: `send()` returned `progenitor_client::Error`). Same idea as smithy-rs's external-types check.

    python3 scripts/check_public_api.py <rustdoc json> <external-types.toml>   # exit 1 on a violation
    python3 scripts/check_public_api.py --self-test

rustdoc's JSON output is unstable; `.ci/run` builds it with the stable toolchain and RUSTC_BOOTSTRAP=1.
"""
import fnmatch
import json
import sys
import tomllib


def external_references(doc):
    """(public item path, external path) for every reference of a local item to another crate's item."""
    crates = {int(k): v["name"] for k, v in doc["external_crates"].items()}
    paths = doc["paths"]
    local_names = {}
    for item_id, summary in paths.items():
        if summary["crate_id"] == 0:
            local_names[item_id] = "::".join(summary["path"])

    def walk(node, found):
        if isinstance(node, dict):
            ref = node.get("id")
            if isinstance(ref, int) and ("path" in node or "args" in node):
                summary = paths.get(str(ref))
                if summary and summary["crate_id"] != 0:
                    found.add("::".join([crates.get(summary["crate_id"], "?")] + summary["path"][1:]))
            for value in node.values():
                walk(value, found)
        elif isinstance(node, list):
            for value in node:
                walk(value, found)

    out = []
    for item_id, item in doc["index"].items():
        if item.get("crate_id") != 0:
            continue
        inner = item.get("inner", {})
        impl = inner.get("impl")
        if impl and (impl.get("blanket_impl") is not None or impl.get("is_synthetic")):
            # `impl<T> Instrument for T` and auto traits: other crates' blanket impls, not this API.
            continue
        found = set()
        if "use" in inner:
            # A re-export: what it points to.
            target = inner["use"].get("id")
            summary = paths.get(str(target)) if target is not None else None
            if summary and summary["crate_id"] != 0:
                found.add("::".join([crates.get(summary["crate_id"], "?")] + summary["path"][1:]))
        else:
            walk(inner, found)
        owner = local_names.get(item_id) or item.get("name") or f"item {item_id}"
        out.extend((owner, path) for path in found)
    return out


def violations(doc, allowed):
    bad = set()
    for owner, path in external_references(doc):
        if not any(fnmatch.fnmatchcase(path, pattern) for pattern in allowed):
            bad.add((path, owner))
    return sorted(bad)


def self_test():
    doc = {
        "external_crates": {"1": {"name": "progenitor_client"}, "2": {"name": "std"}},
        "paths": {
            "10": {"crate_id": 0, "path": ["okta_management", "builders", "GetUser", "send"]},
            "20": {"crate_id": 1, "path": ["progenitor_client", "Error"]},
            "21": {"crate_id": 2, "path": ["std", "result", "Result"]},
        },
        "index": {
            "10": {"crate_id": 0, "name": "send", "inner": {"function": {"sig": {"output": {"resolved_path": {
                "path": "Result", "id": 21, "args": {"angle_bracketed": {"args": [
                    {"type": {"resolved_path": {"path": "Error", "id": 20, "args": None}}}]}}}}}}}},
        },
    }
    found = violations(doc, ["std::*"])
    assert found == [("progenitor_client::Error", "okta_management::builders::GetUser::send")], found
    assert violations(doc, ["std::*", "progenitor_client::Error"]) == []
    print("check_public_api self-test: ok")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    if len(argv) != 3:
        print(__doc__)
        return 2
    with open(argv[1]) as f:
        doc = json.load(f)
    with open(argv[2], "rb") as f:
        allowed = tomllib.load(f)["allowed_external_types"]
    refs = external_references(doc)
    bad = violations(doc, allowed)
    crate = doc["index"][str(doc["root"])]["name"]
    if bad:
        print(f"{crate}: {len(bad)} public item(s) name an external type {argv[2]} does not allow:")
        for path, owner in bad:
            print(f"  {path}  (in {owner})")
        return 1
    print(f"{crate}: {len(refs)} references to other crates' items, all allowed by {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
