#!/usr/bin/env bash
# The embedded demo as a live feed for the dashboards, with everything a panel reads running beside it:
#   - a Kafka broker in a JVM of its own (KRaft, Kafka's own broker code; address in runs/prometheus/broker.address),
#   - the incidents application (scripts/incidents.sh) reading the alerts the demo also sends there, metrics on 9465,
#   - Prometheus (Debian's binary) on 127.0.0.1:9090, scraping the demo (9464) and the incidents application every
#     5 s and evaluating deploy/prometheus/rules.yml,
#   - the demo itself replaying its mix continuously (scripts/demo.sh --continuous --kafka …, event time = wall clock).
# Ctrl-C stops them all. Extra arguments go to the demo:  scripts/demo-prometheus.sh --rate 200
# PROMETHEUS_PORT changes Prometheus' port; data and logs go to runs/prometheus/.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v prometheus >/dev/null; then
  echo "prometheus not found: install Debian's prometheus package (apt-get install prometheus)" >&2
  exit 2
fi
metrics_port=9464
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --metrics-port) metrics_port="${args[i + 1]}" ;;
    --metrics-port=*) metrics_port="${args[i]#*=}" ;;
  esac
done
prometheus_port="${PROMETHEUS_PORT:-9090}"
incidents_port=9465
work=runs/prometheus
mkdir -p "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# The broker: the bench module's runtime classpath holds Kafka's broker and our launcher (an argument file, not a
# long command line: see the README's pitfalls).
mvn -B -q -DskipTests -pl bench -am install dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
echo "-cp bench/target/classes:$(cat bench/target/classpath.txt)" > bench/target/java.args
rm -f "$work/broker.address"
java -Xmx1g -Dlog4j2.configurationFile=log4j2-bench.xml @bench/target/java.args io.energysentinel.testing.StandaloneBroker \
    "$work/broker.address" energysentinel.alerts energysentinel.incident-mutes energysentinel.incidents \
    energysentinel.incidents.vision energysentinel.incidents.dead-letters > "$work/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do [ -f "$work/broker.address" ] && break; sleep 0.5; done
[ -f "$work/broker.address" ] || { echo "the Kafka broker did not start; see $work/broker.log" >&2; exit 1; }
bootstrap=$(cat "$work/broker.address")
echo "Kafka broker on $bootstrap (log: $work/broker.log)"

# A one-minute gap so incidents open, escalate and resolve while one watches.
scripts/incidents.sh --bootstrap-servers "$bootstrap" --route camera-=energysentinel.incidents.vision \
    --metrics-port "$incidents_port" --inactivity-gap PT1M --grace PT5S --state-dir "$work/incidents-state" \
    > "$work/incidents.log" 2>&1 &
pids+=($!)
echo "Incidents application: metrics on http://127.0.0.1:$incidents_port/metrics (log: $work/incidents.log)"

# The job labels are the compose config's, so the rules and the dashboard's queries read the same series.
cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: ["$PWD/deploy/prometheus/rules.yml"]
scrape_configs:
  - job_name: energysentinel-job
    static_configs: [{targets: ["127.0.0.1:$metrics_port"]}]
  - job_name: energysentinel-incidents
    static_configs: [{targets: ["127.0.0.1:$incidents_port"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$prometheus_port" > "$work/prometheus.log" 2>&1 &
pids+=($!)
echo "Prometheus on http://127.0.0.1:$prometheus_port (log: $work/prometheus.log)"
scripts/demo.sh --continuous --kafka "$bootstrap" "$@"
