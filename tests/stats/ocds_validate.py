#!/usr/bin/env python3
"""Validate OCDS 1.1.5 release packages against the schemas in
tests/vectors/ocds, with the bids extension merged into the release schema
as a JSON Merge Patch (RFC 7386), JSON Schema draft 4 (python3-jsonschema).
Schema ids resolve to the local files only: no network.
Usage: ocds_validate.py VECTORS_DIR PACKAGE.json...  (exit 0 iff all valid)"""
import copy
import json
import sys
import warnings

import jsonschema

warnings.simplefilter("ignore", DeprecationWarning)


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def main():
    vec = sys.argv[1]
    with open(vec + "/standard-1.1.5/release-package-schema.json") as f:
        package = json.load(f)
    with open(vec + "/standard-1.1.5/release-schema.json") as f:
        release = json.load(f)
    with open(vec + "/bid-extension-1.1.5/release-schema.json") as f:
        bids = json.load(f)
    merged = merge_patch(release, bids)
    assert "Bids" in merged["definitions"] and "bids" in merged["properties"]
    store = {package["id"]: package, release["id"]: merged}
    resolver = jsonschema.RefResolver(base_uri=package["id"], referrer=package, store=store)
    # a $ref to anything not in the store would need the network: refuse it
    resolver.resolve_remote = lambda uri: (_ for _ in ()).throw(
        RuntimeError("no network: unresolved schema " + uri))
    jsonschema.Draft4Validator.check_schema(package)
    jsonschema.Draft4Validator.check_schema(merged)
    validator = jsonschema.Draft4Validator(
        package, resolver=resolver, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    bad = 0
    for path in sys.argv[2:]:
        with open(path) as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors:
            print("%s: %s: %s" % (path, "/".join(str(p) for p in e.path), e.message))
        if errors:
            bad += 1
        else:
            print("%s: valid OCDS 1.1.5 release package (bids extension), %d releases"
                  % (path, len(doc["releases"])))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
