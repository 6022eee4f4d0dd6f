#!/usr/bin/env python3
"""Validate tlsmatrix JSON reports against docs/report.schema.json: validate_report.py FILE..."""
import json
import pathlib
import sys

import jsonschema

schema = json.loads((pathlib.Path(__file__).resolve().parents[2] / "docs" / "report.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
bad = 0
for name in sys.argv[1:]:
    errors = sorted(validator.iter_errors(json.loads(pathlib.Path(name).read_text())), key=lambda e: list(e.path))
    for error in errors[:20]:
        print(f"{name}: {'/'.join(map(str, error.path)) or '(root)'}: {error.message}")
    bad += bool(errors)
print(f"{len(sys.argv) - 1 - bad} valid, {bad} invalid")
sys.exit(1 if bad else 0)
