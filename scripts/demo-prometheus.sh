#!/usr/bin/env bash
# The embedded demo as a live feed with a real Prometheus beside it: Prometheus (Debian's binary) on
# 127.0.0.1:9090 scrapes the demo's endpoint every 5 s and evaluates deploy/prometheus/rules.yml, while the demo
# replays its mix continuously (scripts/demo.sh --continuous, event time = wall clock). Ctrl-C stops both.
# Extra arguments go to the demo:  scripts/demo-prometheus.sh --rate 200 --metrics-port 9464
# PROMETHEUS_PORT changes Prometheus' port; its data and log go to runs/prometheus/.
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
work=runs/prometheus
mkdir -p "$work"
# The job label is the compose config's, so the rules and the dashboard's queries read the same series.
cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: ["$PWD/deploy/prometheus/rules.yml"]
scrape_configs:
  - job_name: energysentinel-job
    static_configs: [{targets: ["127.0.0.1:$metrics_port"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$prometheus_port" > "$work/prometheus.log" 2>&1 &
prometheus_pid=$!
trap 'kill "$prometheus_pid" 2>/dev/null || true; wait "$prometheus_pid" 2>/dev/null || true' EXIT
echo "Prometheus on http://127.0.0.1:$prometheus_port (log: $work/prometheus.log)"
scripts/demo.sh --continuous "$@"
