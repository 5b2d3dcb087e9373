#!/usr/bin/env python3
"""Validates deploy/k8s's custom resources against the operators' CRD schemas, strictly.

Usage: scripts/check-k8s-manifests.py CRD.yaml... [--manifests deploy/k8s/*.yaml]

Give it the CRD files of the pinned operator releases (deploy/README.md, "Versions"): from the Flink Kubernetes
Operator's release, helm/flink-kubernetes-operator/crds/flinkdeployments.flink.apache.org-v1.yml; from Strimzi's,
install/cluster-operator/040-Crd-kafka.yaml, 043-Crd-kafkatopic.yaml and 045-Crd-kafkanodepool.yaml. Each
resource is checked against the schema of its kind and apiVersion. Like kubectl's strict field validation, an
object field the schema does not name is an error (the API server would drop it silently otherwise). Needs
PyYAML and jsonschema (Debian: python3-yaml python3-jsonschema). Exit code 1 if any resource is invalid.
"""
import argparse
import glob
import sys

import jsonschema
import yaml


def strict(node):
    """Forbids unnamed fields in every object schema that neither allows them nor preserves unknown fields."""
    if isinstance(node, dict):
        if (node.get("type") == "object" and "properties" in node and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")):
            node["additionalProperties"] = False
        for value in node.values():
            strict(value)
    elif isinstance(node, list):
        for value in node:
            strict(value)


def schemas(crd_files):
    """(apiVersion, kind) -> JSON schema, for every served version of every CRD given."""
    out = {}
    for file in crd_files:
        for crd in yaml.safe_load_all(open(file)):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                if not version.get("served", True):
                    continue
                schema = version["schema"]["openAPIV3Schema"]
                strict(schema)
                # The API server checks these three itself.
                schema.setdefault("properties", {}).update({"apiVersion": {}, "kind": {}, "metadata": {}})
                out[(group + "/" + version["name"], kind)] = schema
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("crds", nargs="+")
    parser.add_argument("--manifests", nargs="+", default=sorted(glob.glob("deploy/k8s/*.yaml")))
    args = parser.parse_args()
    known = schemas(args.crds)
    checked = invalid = 0
    for file in args.manifests:
        for resource in yaml.safe_load_all(open(file)):
            if not resource:
                continue
            key = (resource["apiVersion"], resource["kind"])
            if key not in known:
                continue
            checked += 1
            name = f"{file}: {resource['kind']}/{resource['metadata']['name']}"
            errors = list(jsonschema.Draft7Validator(known[key]).iter_errors(resource))
            if errors:
                invalid += 1
                print("INVALID " + name)
                for e in errors:
                    print(f"  /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}")
            else:
                print("valid   " + name)
    print(f"{checked} custom resources checked against {len(known)} CRD versions, {invalid} invalid")
    return 1 if invalid or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
