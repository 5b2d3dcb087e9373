#!/usr/bin/env bash
# The job's own CPU time per record on the multi-process cluster (scripts/cluster.sh: broker, JobManager and two
# TaskManagers in JVMs of their own) against bare ONNX Runtime on the same bundle (bench JobCpu): the sum of utime +
# stime of the JobManager and both TaskManagers (/proc/<pid>/stat) over a drain of --records records, JSON in (the
# input topic) and JSON out (every score on the scores topic), after an unmeasured warm-up drain.
#   scripts/job-cpu.sh events [--records 300000 --warmup-records 300000]   event MLP (demo/events-mlp-demo)
#   scripts/job-cpu.sh images [--records 100000 --warmup-records 50000]    JEM (demo/fashion-jem-demo; needs data/)
# --rounds N drains the measured batch N times; the first is the headline, the others (laterRounds) show how much of
# it was the JIT still compiling. JFR=1 also records a profile of each TaskManager during the first measured drain
# (RUN/logs/*.jfr). After changing the job, REBUILD=1 rebuilds the cluster's job jar.
# Results: runs/job-cpu/<kind>.json. Holds /tmp/es-cpu.lock while the cluster runs.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:?events or images}; shift
case "$what" in
  events) bundle=demo/events-mlp-demo; kind=event; defaults=(--records 300000 --warmup-records 300000) ;;
  images) bundle=demo/fashion-jem-demo; kind=image; defaults=(--records 100000 --warmup-records 50000) ;;
  *) echo "events or images" >&2; exit 2 ;;
esac
out=runs/job-cpu
mkdir -p "$out"
if [ "${1:-}" != "--locked" ]; then
  flock /tmp/es-cpu.lock mvn -B -q -o -DskipTests -pl bench -am package dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
  echo "-cp bench/target/classes:$(cat bench/target/classpath.txt)" > bench/target/java.args
  CLUSTER_RUN=$out/$what-cluster scripts/cluster.sh build
  exec flock /tmp/es-cpu.lock "$0" "$what" --locked "$@"
fi
shift
unset REBUILD   # built above, outside the lock: a build in here would wait for the lock this run holds
export CLUSTER_RUN=$out/$what-cluster BUNDLE=$PWD/$bundle
scripts/cluster.sh stop >/dev/null 2>&1 || true
rm -rf "$CLUSTER_RUN"
trap 'scripts/cluster.sh stop' EXIT
scripts/cluster.sh start --scores-topic energysentinel.scores
scripts/cluster.sh wait-running
pids=$(scripts/cluster.sh pids | paste -sd, -)
args=("${defaults[@]}" "$@")
java -Xmx2g -Dlog4j2.configurationFile=log4j2-bench.xml @bench/target/java.args io.energysentinel.bench.JobCpu \
    --bundle "$BUNDLE" --kind "$kind" --pids "$pids" --out "$out/$what.json" "${args[@]}" \
    ${JFR:+--jfr-dir "$CLUSTER_RUN/logs"}
