#!/usr/bin/env bash
# The incidents application (Kafka Streams): alerts in, grouped/suppressed/routed incidents out.
#   scripts/incidents.sh --bootstrap-servers kafka:9092 --route camera-=incidents.vision
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl alerts -am package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
echo "-cp alerts/target/classes:$(cat alerts/target/classpath.txt)" > alerts/target/java.args
exec java -Xmx1g @alerts/target/java.args io.energysentinel.alerts.IncidentsApp "$@"
