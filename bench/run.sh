#!/usr/bin/env bash
# Benchmarks, measured side by side in one run on this machine: raw ONNX Runtime scoring vs PyTorch eager
# (Debian's python3-torch) for the conv EBM, JEM and event MLP at batch 1/8/32/128, and one PCD iteration in
# our DJL trainer vs the same loop in PyTorch. Small bundles are trained on first use (runs/bench/).
# Prints a table of ratios and writes runs/bench/bench.json.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=runs/bench
mkdir -p "$OUT"
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "needs Debian's python3-torch: apt-get install -y python3-torch" >&2; exit 2; }
scripts/fetch-data.sh >/dev/null
trainer() { scripts/trainer.sh "$@"; }
[ -f "$OUT/conv/manifest.json" ] || trainer train --kind conv --steps 30 --sgld-steps 5 --background-share 0 --out "$OUT/conv-run" --bundle "$OUT/conv" --no-progress
[ -f "$OUT/jem/manifest.json" ] || trainer train --kind jem --steps 30 --sgld-steps 5 --background-share 0 --out "$OUT/jem-run" --bundle "$OUT/jem" --no-progress
if [ ! -f "$OUT/mlp/manifest.json" ]; then
  trainer generate-events --sources 4 --events 2000 --anomaly-rate 0 --out "$OUT/events.jsonl"
  trainer train --kind mlp --data "$OUT/events.jsonl" --steps 100 --sgld-steps 10 --sgld-step-size 0.1 --sgld-grad-clamp 0 --hidden 32 --out "$OUT/mlp-run" --bundle "$OUT/mlp" --no-progress
fi
echo "== ONNX Runtime (ours) and the DJL trainer"
trainer bench --bundle "$OUT/conv" --bundle "$OUT/jem" --bundle "$OUT/mlp" --threads 2 --out "$OUT/java.json"
echo "== PyTorch eager baselines"
/usr/bin/python3 bench/python/score_torch.py --threads 2 > "$OUT/torch-score.json"
/usr/bin/python3 bench/python/pcd_iteration_torch.py --threads 2 > "$OUT/torch-pcd.json"
echo "== $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
/usr/bin/python3 bench/report.py "$OUT"
