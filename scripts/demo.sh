#!/usr/bin/env bash
# The embedded default: locate the data, build, then run the scoring job on a local Flink
# (the shipped bundle demo/fashion-jem-demo; trained first, 4 minutes, when that folder is absent).
# Extra arguments go to the demo, e.g. scripts/demo.sh --rate 200 --metrics-port 9464, or --continuous for
# an endless, paced feed (scripts/demo-prometheus.sh runs that with a Prometheus beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-env.sh
scripts/fetch-data.sh
mvn -B -q -DskipTests -pl flink-job -am package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
# The classpath goes in an argument file, not on the command line: ONNX Runtime 1.29's native start-up
# crashes (SIGSEGV) in a process whose command line is longer than about 4 KB (see README, pitfalls).
echo "-cp flink-job/target/classes:$(cat flink-job/target/classpath.txt)" > flink-job/target/java.args
exec java -Dai.djl.offline=true -Xmx6g @flink-job/target/java.args io.energysentinel.job.EmbeddedDemo "$@"
