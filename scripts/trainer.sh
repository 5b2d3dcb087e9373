#!/usr/bin/env bash
# The trainer's command line (train, evaluate, sample, generate-events), e.g.
#   scripts/trainer.sh train --kind jem --minutes 30 --out runs/jem --evaluate --bundle models/fashion-jem
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-env.sh
mvn -B -q -DskipTests -pl trainer -am package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
# An argument file keeps the command line short: ONNX Runtime 1.29 crashes on command lines over ~4 KB.
echo "-cp trainer/target/classes:$(cat trainer/target/classpath.txt)" > trainer/target/java.args
exec java -Dai.djl.offline=true -Xmx8g @trainer/target/java.args io.energysentinel.trainer.cli.TrainerCli "$@"
