#!/usr/bin/python3
"""Prints the benchmark table of ratios measured in one bench/run.sh run and writes the combined JSON."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
ours = json.loads((out / "java.json").read_text())
torch_score = json.loads((out / "torch-score.json").read_text())
torch_pcd = json.loads((out / "torch-pcd.json").read_text())

baseline = {(r["model"], r["batch"]): r["recordsPerSecond"] for r in torch_score["scoring"]}
rows = []
print(f"{'model':<9} {'batch':>5} {'ORT rec/s':>12} {'torch rec/s':>12} {'ORT/torch':>9}")
for r in ours["scoring"]:
    t = baseline.get((r["model"], r["batch"]))
    ratio = r["recordsPerSecond"] / t if t else None
    rows.append({**r, "torchRecordsPerSecond": t, "ratioVsTorch": ratio})
    print(f"{r['model']:<9} {r['batch']:>5} {r['recordsPerSecond']:>12.0f} {t or float('nan'):>12.0f} {ratio or float('nan'):>9.2f}")
pcd = ours.get("pcd")
if pcd:
    ratio = pcd["msPerIteration"] / torch_pcd["ms_per_iteration"]
    print(f"\nPCD iteration (batch 64, K=20, conv 32-64-128): DJL {pcd['msPerIteration']:.0f} ms, "
          f"PyTorch {torch_pcd['ms_per_iteration']:.0f} ms, DJL/PyTorch {ratio:.2f} (goal <= 1.10)")
print(f"peak RSS of the Java bench process: {ours['peakRssMb']:.0f} MB")
(out / "bench.json").write_text(json.dumps({"scoring": rows, "pcd": pcd, "torchPcd": torch_pcd,
                                            "javaPeakRssMb": ours["peakRssMb"], "torch": torch_score["torch"]}, indent=2))
print(f"\nwrote {out / 'bench.json'}")
