#!/usr/bin/env bash
# Benchmarks, measured side by side in one run on this machine:
#  - raw ONNX Runtime scoring vs PyTorch eager (Debian's python3-torch) for the conv EBM, JEM and event MLP at
#    batch 1/8/32/128;
#  - one PCD iteration in our DJL trainer vs the same loop in PyTorch;
#  - the whole Flink job (Kafka -> parse -> micro-batched ONNX Runtime -> exactly-once Kafka) vs raw ONNX
#    Runtime on the same bundle, with event-to-score/alert latency at 50% and 90% of the job's throughput;
#  - peak RSS of training, of raw scoring and of the job;
#  - a GPU mode (CUDA execution provider, batch sweep) when an NVIDIA GPU is present, skipped with a message
#    otherwise.
# Small bundles are trained on first use (runs/bench/). Prints a table of ratios, writes runs/bench/bench.json.
# Options: --quick (shorter job phases, for a smoke run). The throughput runs are long enough (10-20 s)
# for the JIT to settle (after a warm-up run): with 10,000 records the job measured at half its steady rate.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-env.sh
OUT=runs/bench
# A warm-up run first: the JIT compiles the broker's, Flink's and the job's code for a minute or more, and on
# 2 cores its compiler threads take a third of the CPU meanwhile.
JOB_ARGS=(--warmup-records 300000 --records 300000 --rounds 3 --seconds 20)
IMAGE_JOB_ARGS=(--warmup-records 100000 --records 150000 --rounds 3 --seconds 20)
PCD_ROUNDS=7
if [ "${1:-}" = "--quick" ]; then
  JOB_ARGS=(--records 5000 --seconds 5); IMAGE_JOB_ARGS=(--records 2000 --seconds 5); PCD_ROUNDS=1
fi
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
trainer bench --bundle "$OUT/conv" --bundle "$OUT/jem" --bundle "$OUT/mlp" --threads 2 --pcd-iterations 0 --out "$OUT/java.json"
echo "== PyTorch eager baselines"
/usr/bin/python3 bench/python/score_torch.py --threads 2 > "$OUT/torch-score.json"
# One PCD iteration takes 130-230 ms in the same PyTorch script from one run to the next on a shared 2-core
# machine, so the two trainers run in alternating rounds and their medians are compared.
echo "== One PCD iteration, DJL vs PyTorch: $PCD_ROUNDS alternating rounds"
rm -f "$OUT"/pcd-djl-*.json "$OUT"/pcd-torch-*.json
for round in $(seq 1 "$PCD_ROUNDS"); do
  java -Dai.djl.offline=true -Xmx4g @trainer/target/java.args io.energysentinel.trainer.cli.TrainerCli bench \
      --pcd-iterations 20 --out "$OUT/pcd-djl-$round.json" | grep 'djl pcd'
  /usr/bin/python3 bench/python/pcd_iteration_torch.py --threads 2 --iterations 20 | tee "$OUT/pcd-torch-$round.json"
done

echo "== The whole job vs raw ONNX Runtime"
mvn -B -q -DskipTests -pl bench -am install dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
# Argument file, not a long command line: ONNX Runtime 1.29 crashes on command lines over ~4 KB (README).
echo "-cp bench/target/classes:$(cat bench/target/classpath.txt)" > bench/target/java.args
# kafka-test-common-runtime ships its own log4j2.yaml; ours keeps the in-process broker quiet.
job_bench() { java -Dai.djl.offline=true -Dlog4j2.configurationFile=log4j2-bench.xml -Xmx4g @bench/target/java.args \
    io.energysentinel.bench.JobBench "$@"; }
job_bench --bundle "$OUT/mlp" --kind event --sources 4 "${JOB_ARGS[@]}" --out "$OUT/job-mlp.json"
job_bench --bundle "$OUT/conv" --kind image "${IMAGE_JOB_ARGS[@]}" --out "$OUT/job-conv.json"

echo "== GPU mode"
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
  nvidia-smi -L
  # The gpu profile swaps onnxruntime for onnxruntime_gpu (never both on one classpath).
  mvn -B -q -Pgpu -DskipTests -pl trainer -am package dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
  echo "-cp trainer/target/classes:$(cat trainer/target/classpath.txt)" > trainer/target/java.args
  java -Dai.djl.offline=true -Xmx8g @trainer/target/java.args io.energysentinel.trainer.cli.TrainerCli bench \
      --bundle "$OUT/conv" --bundle "$OUT/jem" --bundle "$OUT/mlp" --provider CUDA --batches 1,8,32,128,512,2048 \
      --pcd-iterations 0 --out "$OUT/gpu.json"
  # Put the CPU build back for the scripts that follow.
  mvn -B -q -DskipTests -pl trainer -am package
else
  echo "skipped: no NVIDIA GPU here (nvidia-smi absent or lists none); on a GPU machine this runs the CUDA batch sweep"
  rm -f "$OUT/gpu.json"
fi

echo "== $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
/usr/bin/python3 bench/report.py "$OUT"
