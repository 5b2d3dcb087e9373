#!/usr/bin/python3
"""Prints the benchmark table of ratios measured in one bench/run.sh run and writes the combined JSON."""
import json
import statistics
import sys
from pathlib import Path

out = Path(sys.argv[1])


def load(name):
    f = out / name
    return json.loads(f.read_text()) if f.exists() else None


ours = load("java.json")
torch_score = load("torch-score.json")
djl_pcd = [json.loads(f.read_text())["pcd"] for f in sorted(out.glob("pcd-djl-*.json"))]
torch_pcd = [json.loads(f.read_text()) for f in sorted(out.glob("pcd-torch-*.json"))]
djl_rounds = [r["msPerIteration"] for r in djl_pcd]
torch_rounds = [r["ms_per_iteration"] for r in torch_pcd]
jobs = {kind: load(f"job-{kind}.json") for kind in ("mlp", "conv")}
gpu = load("gpu.json")

print("Scoring: ONNX Runtime (ours) vs PyTorch eager, 2 threads each (goal: >= 2x at batch 32)")
baseline = {(r["model"], r["batch"]): r["recordsPerSecond"] for r in torch_score["scoring"]}
rows = []
print(f"{'model':<9} {'batch':>5} {'ORT rec/s':>12} {'torch rec/s':>12} {'ORT/torch':>9}")
for r in ours["scoring"]:
    t = baseline.get((r["model"], r["batch"]))
    ratio = r["recordsPerSecond"] / t if t else None
    rows.append({**r, "torchRecordsPerSecond": t, "ratioVsTorch": ratio})
    print(f"{r['model']:<9} {r['batch']:>5} {r['recordsPerSecond']:>12.0f} {t or float('nan'):>12.0f} {ratio or float('nan'):>9.2f}")

pcd = None
if djl_rounds and torch_rounds:
    djl, torch_ms = statistics.median(djl_rounds), statistics.median(torch_rounds)
    pcd = {"djlMsPerRound": djl_rounds, "torchMsPerRound": torch_rounds, "djlMedianMs": djl,
           "torchMedianMs": torch_ms, "ratio": djl / torch_ms}
    print(f"\nTraining: PCD iteration (batch 64, K=20, conv 32-64-128), median of {len(djl_rounds)} alternating rounds:"
          f" DJL {djl:.0f} ms, PyTorch {torch_ms:.0f} ms, DJL/PyTorch {djl / torch_ms:.2f} (goal <= 1.10)")
    print(f"  rounds, ms: DJL {', '.join(f'{v:.0f}' for v in djl_rounds)}; PyTorch {', '.join(f'{v:.0f}' for v in torch_rounds)}")
    djl_fwd = statistics.median(r["forward20Ms"] for r in djl_pcd)
    torch_fwd = statistics.median(r["forward20_ms"] for r in torch_pcd)
    pcd.update({"djlForward20MedianMs": djl_fwd, "torchForward20MedianMs": torch_fwd})
    print(f"  20 inference forward passes alone (libtorch kernels, no autograd, no loop): DJL {djl_fwd:.0f} ms, "
          f"PyTorch {torch_fwd:.0f} ms, ratio {djl_fwd / torch_fwd:.2f}")
    djl_sgld = statistics.median(r["sgld20Ms"] for r in djl_pcd)
    torch_sgld = statistics.median(r["sgld20_ms"] for r in torch_pcd)
    pcd.update({"djlSgld20MedianMs": djl_sgld, "torchSgld20MedianMs": torch_sgld})
    print(f"  the 20 SGLD steps alone (forward, backward to the input, update; no buffer, loss or Adam): "
          f"DJL {djl_sgld:.0f} ms, PyTorch {torch_sgld:.0f} ms, ratio {djl_sgld / torch_sgld:.2f}")

print("\nThe whole job (Kafka -> parse -> micro-batched ORT -> exactly-once Kafka) vs raw ORT, same bundle,"
      " same process (goal: job/raw >= 0.8)")
print("(job rec/s: median over drains after a warm-up drain, each over the second half of its outputs; whole run: all outputs)")
print(f"{'bundle':<6} {'raw rec/s':>11} {'job rec/s':>10} {'job/raw':>8} {'whole run':>10}")
for kind, j in jobs.items():
    if j:
        print(f"{kind:<6} {j['rawRecordsPerSecond']:>11.0f} {j['jobRecordsPerSecond']:>10.0f} {j['jobOverRaw']:>8.3f} "
              f"{j['jobRecordsPerSecondWholeRun']:>10.0f}")
for kind, j in jobs.items():
    if j and j.get("jobRecordsPerSecondRounds"):
        print(f"  {kind} drains (second half), rec/s: {', '.join(f'{v:,.0f}' for v in j['jobRecordsPerSecondRounds'])}")
print("\nEvent-to-output latency, ms (processing = read_uncommitted; committed = what exactly-once consumers see,"
      " checkpoint every " + next((j["checkpointInterval"] for j in jobs.values() if j), "?") + ")")
print(f"{'bundle':<6} {'load':>5} {'rec/s':>7} {'score p50/p99':>14} {'committed p50/p99':>18} {'alert p50/p99 (n)':>20}")
for kind, j in jobs.items():
    for row in (j or {}).get("latency", []):
        sp, sc, al = row["scoreProcessed"], row["scoreCommitted"], row["alertCommitted"]
        print(f"{kind:<6} {row['load']:>5.0%} {row['offeredPerSecond']:>7.0f} {sp['p50Ms']:>6}/{sp['p99Ms']:<7} "
              f"{sc['p50Ms']:>8}/{sc['p99Ms']:<9} {al['p50Ms']:>8}/{al['p99Ms']} ({al['count']})")

print("\nPeak RSS:")
print(f"  raw scoring bench process (Java): {ours['peakRssMb']:.0f} MB")
for name in ("conv-run", "jem-run"):
    t = out / name / "training.json"
    if t.exists() and "peakRssMb" in json.loads(t.read_text()):
        print(f"  training ({name}, full Fashion-MNIST in memory): {json.loads(t.read_text())['peakRssMb']:.0f} MB")
for kind, j in jobs.items():
    if j:
        print(f"  job bench process ({kind}; broker, load generator and job together): {j['peakRssMb']:.0f} MB")

if gpu:
    print("\nGPU mode (CUDA execution provider):")
    for r in gpu["scoring"]:
        print(f"  {r['model']:<9} batch {r['batch']:>5} {r['provider']:>5} {r['recordsPerSecond']:>12.0f} rec/s")
else:
    print("\nGPU mode: skipped, no NVIDIA GPU on this machine")

(out / "bench.json").write_text(json.dumps({"scoring": rows, "pcd": pcd,
                                            "javaPeakRssMb": ours["peakRssMb"], "torch": torch_score["torch"],
                                            "jobs": jobs, "gpu": gpu}, indent=2))
print(f"\nwrote {out / 'bench.json'}")
