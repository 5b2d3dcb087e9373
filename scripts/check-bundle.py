#!/usr/bin/python3
"""Independent check of an EnergySentinel model bundle with the reference ONNX tooling (python3-onnx).

Checks: the manifest's SHA-256 matches model.onnx; onnx.checker (full check) accepts the graph; shape
inference runs; the graph's input and outputs are the ones the manifest declares, with a symbolic batch
dimension; the opset matches. Exits 0 when every check passes, 1 otherwise, printing each failure.
"""
import hashlib
import json
import sys
from pathlib import Path

import onnx


def main(bundle: Path) -> int:
    manifest = json.loads((bundle / "manifest.json").read_text())
    model_file = bundle / manifest["onnx"]["file"]
    failures = []
    digest = hashlib.sha256(model_file.read_bytes()).hexdigest()
    if digest != manifest["onnx"]["sha256"]:
        failures.append(f"sha256 {digest} != manifest {manifest['onnx']['sha256']}")
    model = onnx.load(str(model_file))
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as e:
        failures.append(f"onnx.checker: {e}")
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    opset = {o.domain: o.version for o in model.opset_import}.get("", None)
    if opset != manifest["onnx"]["opset"]:
        failures.append(f"opset {opset} != manifest {manifest['onnx']['opset']}")
    inputs = [i.name for i in inferred.graph.input]
    if inputs != [manifest["input"]["name"]]:
        failures.append(f"inputs {inputs} != [{manifest['input']['name']}]")
    dims = inferred.graph.input[0].type.tensor_type.shape.dim
    if not dims[0].dim_param:
        failures.append("input batch dimension is not symbolic")
    if [d.dim_value for d in dims[1:]] != manifest["input"]["shape"]:
        failures.append(f"input shape {[d.dim_value for d in dims[1:]]} != manifest {manifest['input']['shape']}")
    outputs = [o.name for o in inferred.graph.output]
    if sorted(outputs) != sorted(manifest["outputs"]):
        failures.append(f"outputs {outputs} != manifest {manifest['outputs']}")
    for f in failures:
        print("FAIL", f)
    if not failures:
        print(f"OK {bundle}: onnx {onnx.__version__} checker, shape inference, sha256, opset {opset}, outputs {outputs}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: check-bundle.py BUNDLE_DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
