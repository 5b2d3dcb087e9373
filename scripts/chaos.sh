#!/usr/bin/env bash
# Chaos run with exact accounting on the multi-process cluster (scripts/cluster.sh): the same seeded stream of metric
# events (8 hosts, known anomaly episodes, paced, event time advancing as fast as it is sent) goes through two fresh
# clusters, one left alone (the baseline) and one whose TaskManager is killed (kill -9) and restarted, whose
# JobManager is killed (kill -9) and the job resubmitted from its latest checkpoint, whose broker is stopped and
# restarted, and whose incidents application is killed (kill -9) and restarted; each disruption waits until committed
# output has recovered from the one before. Scores, alerts and incidents are read with read_committed; ChaosRun
# compares the runs (OUT/chaos/comparison.json) and reports recovery times and committed lag (OUT/*/summary.json).
#   scripts/chaos.sh [--events-per-source 2500] [--rate 100] [--out runs/chaos]
# About 2 x (1.5 min start-up + events/rate + 1 min settling), 15 minutes here. Not part of mvn verify. Each run
# holds /tmp/es-cpu.lock (machines shared with other builds).
set -euo pipefail
cd "$(dirname "$0")/.."
out=runs/chaos
one=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --one) one=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
# Incidents end after 5 s without alerts (event time); alerts up to 2 min late still join theirs, so a job catching
# up after a disruption does not change them.
export INCIDENTS_ARGS="--inactivity-gap PT5S --grace PT2M"
if [ -n "$one" ]; then
  export CLUSTER_RUN=$out/$one-cluster
  scripts/cluster.sh stop >/dev/null 2>&1 || true
  rm -rf "$CLUSTER_RUN" "${out:?}/$one"
  trap 'scripts/cluster.sh stop' EXIT
  scripts/cluster.sh start --scores-topic energysentinel.scores
  scripts/cluster.sh wait-running
  extra=()
  [ "$one" = chaos ] && extra=(--chaos --baseline "$out/baseline")
  java -Xmx1g -Dlog4j2.configurationFile=log4j2-bench.xml @bench/target/java.args io.energysentinel.bench.ChaosRun \
      --out "$out/$one" --events-per-source 2500 --settle PT60S "${args[@]}" "${extra[@]}" | tee "$out/$one.txt"
  scripts/cluster.sh status | tee -a "$out/$one.txt"
  exit 0
fi
flock /tmp/es-cpu.lock mvn -B -q -o -DskipTests -pl bench -am install dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
echo "-cp bench/target/classes:$(cat bench/target/classpath.txt)" > bench/target/java.args
CLUSTER_RUN=$out/baseline-cluster scripts/cluster.sh build   # the jars and the job jar, outside the lock below
mkdir -p "$out"
for mode in baseline chaos; do
  flock /tmp/es-cpu.lock "$0" --one "$mode" --out "$out" "${args[@]}"
done
