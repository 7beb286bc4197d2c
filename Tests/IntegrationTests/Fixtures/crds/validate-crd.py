"""Validates custom resources offline against the openAPIV3Schema of their CRDs.

Usage: validate-crd.py CRD.yaml... -- MANIFEST.yaml...

Strict, as `kubectl apply --validate=strict` is: a field the schema does not declare is an error
(the API server would drop it silently), except where the schema preserves unknown fields.
Prints one line per manifest; exits 1 if any fails.
"""
import sys

import jsonschema
import yaml


def strict(schema):
    """The schema with undeclared fields refused in every object that declares its fields."""
    if isinstance(schema, dict):
        schema = {key: strict(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema \
                and not schema.get("x-kubernetes-preserve-unknown-fields"):
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    return schema


def main(arguments):
    split = arguments.index("--")
    schemas = {}
    for path in arguments[:split]:
        with open(path) as file:
            crd = yaml.safe_load(file)
        for version in crd["spec"]["versions"]:
            if version["served"]:
                key = (crd["spec"]["group"] + "/" + version["name"], crd["spec"]["names"]["kind"])
                schemas[key] = strict(version["schema"]["openAPIV3Schema"])
    failed = False
    for path in arguments[split + 1:]:
        with open(path) as file:
            manifest = yaml.safe_load(file)
        key = (manifest.get("apiVersion"), manifest.get("kind"))
        if key not in schemas:
            print(f"{path}: no CRD serves {key[0]} {key[1]}")
            failed = True
            continue
        errors = sorted(jsonschema.Draft7Validator(schemas[key]).iter_errors(manifest), key=lambda error: list(error.path))
        for error in errors:
            print(f"{path}: {'.'.join(str(part) for part in error.path) or '(root)'}: {error.message}")
        failed = failed or bool(errors)
        if not errors:
            print(f"{path}: valid {key[1]} {key[0]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
