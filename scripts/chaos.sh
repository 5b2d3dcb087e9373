#!/usr/bin/env bash
# Chaos run with exact accounting on the multi-process cluster (scripts/cluster.sh): the same seeded stream of metric
# events (8 hosts, known anomaly episodes, paced) goes through two fresh clusters, one left alone (the baseline) and
# one whose TaskManager is killed (kill -9) and restarted, whose JobManager is killed (kill -9) and the job resubmitted
# from its latest checkpoint, whose broker is stopped and restarted, and whose incidents application is killed
# (kill -9) and restarted. Scores, alerts and incidents are read with read_committed; ChaosRun compares the runs.
#   scripts/chaos.sh [--events-per-source 1500] [--rate 100] [--out runs/chaos]
# About 2 x (1.5 min start-up + events/rate + 30 s settling). Not part of mvn verify.
set -euo pipefail
cd "$(dirname "$0")/.."
out=runs/chaos
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
flock /tmp/es-cpu.lock mvn -B -q -o -DskipTests -pl bench -am install dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
echo "-cp bench/target/classes:$(cat bench/target/classpath.txt)" > bench/target/java.args
for mode in baseline chaos; do
  export CLUSTER_RUN=$out/$mode-cluster
  scripts/cluster.sh stop >/dev/null 2>&1 || true
  rm -rf "$CLUSTER_RUN" "$out/$mode"
  scripts/cluster.sh start --scores-topic energysentinel.scores
  scripts/cluster.sh wait-running
  extra=()
  [ "$mode" = chaos ] && extra=(--chaos --baseline "$out/baseline")
  java -Xmx1g -Dlog4j2.configurationFile=log4j2-bench.xml @bench/target/java.args io.energysentinel.bench.ChaosRun \
      --out "$out/$mode" "${args[@]}" "${extra[@]}" | tee "$out/$mode.txt"
  scripts/cluster.sh status | tee -a "$out/$mode.txt"
  scripts/cluster.sh stop
done
