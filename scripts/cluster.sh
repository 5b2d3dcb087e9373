#!/usr/bin/env bash
# EnergySentinel as a multi-process deployment on one machine, every process a JVM of its own:
#   - a Kafka 4 broker (kafka.Kafka, KRaft, combined broker + controller, storage formatted by Kafka's StorageTool),
#   - a Flink session cluster from Flink's own runtime jars (resolved by Maven, no distribution download):
#     JobManager (StandaloneSessionClusterEntrypoint) and two TaskManagers (TaskManagerRunner), one slot each,
#     filesystem checkpoints and savepoints, ONNX Runtime and DJL in lib/ and parent-first, as deploy/ prescribes,
#   - the scoring job submitted as the -Pdeploy jar through Flink's CLI (CliFrontend), with --checkpoint-dir, so a
#     resubmission after the JobManager died restores the latest checkpoint,
#   - the incidents application (Kafka Streams, what scripts/incidents.sh runs).
# Each process logs to RUN/logs/<name>.log and has RUN/pids/<name>.pid; stop ends exactly those pids.
#
#   scripts/cluster.sh start [JOB FLAG ...]    build (once), start everything, submit the job (default: events MLP)
#   scripts/cluster.sh stop | status
#   scripts/cluster.sh submit                  submit the job again with start's flags (restores the latest checkpoint)
#   scripts/cluster.sh wait-running            wait until every task of the job runs
#   scripts/cluster.sh start-broker | start-jm | start-tm N | start-incidents   start one process
#   scripts/cluster.sh stop-one NAME           stop one process (SIGTERM, then SIGKILL after 20 s) and wait for it
#   scripts/cluster.sh kill NAME [SIGNAL]      signal one process (broker, jobmanager, taskmanager-1, taskmanager-2,
#                                              incidents); default KILL
#   scripts/cluster.sh savepoint               stop the job with a savepoint under RUN/savepoints
#   scripts/cluster.sh pids                    the pids of the Flink JVMs (JobManager and TaskManagers)
# Environment: CLUSTER_RUN (run dir, default runs/cluster), CLUSTER_LIB (jars, default runs/cluster-lib), KAFKA_PORT (19092), REST_PORT (18081),
# JM_RPC_PORT (16123), BUNDLE (default demo/events-mlp-demo), CHECKPOINT_INTERVAL (PT1S).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN=$(mkdir -p "${CLUSTER_RUN:-runs/cluster}" && cd "${CLUSTER_RUN:-runs/cluster}" && pwd)
KAFKA_PORT=${KAFKA_PORT:-19092}
CONTROLLER_PORT=$((KAFKA_PORT + 1))
REST_PORT=${REST_PORT:-18081}
JM_RPC_PORT=${JM_RPC_PORT:-16123}
BUNDLE=${BUNDLE:-$ROOT/demo/events-mlp-demo}
CHECKPOINT_INTERVAL=${CHECKPOINT_INTERVAL:-PT1S}
BOOTSTRAP=127.0.0.1:$KAFKA_PORT
JOB_JAR=$ROOT/flink-job/target/energysentinel-flink-job.jar
TOPICS=(energysentinel.events energysentinel.images energysentinel.alerts energysentinel.fast-alerts
  energysentinel.dead-letters energysentinel.scores energysentinel.model-updates energysentinel.model-updates.events
  energysentinel.incidents energysentinel.incidents.vision energysentinel.incident-mutes
  energysentinel.incidents.dead-letters)
LIB=$(mkdir -p "${CLUSTER_LIB:-runs/cluster-lib}" && cd "${CLUSTER_LIB:-runs/cluster-lib}" && pwd)
mkdir -p "$RUN/logs" "$RUN/pids" "$RUN/checkpoints" "$RUN/savepoints"

log() { echo "cluster: $*" >&2; }

# Libraries and argument files, built once per run dir (delete CLUSTER_LIB to rebuild). Classpaths go into argument
# files: ONNX Runtime 1.29 crashes on command lines over ~4 KB (README, pitfalls).
build() {
  if [ ! -f "$LIB/.done" ]; then
    log "resolving Flink's and Kafka's jars into $LIB (Maven)"
    rm -rf "${LIB:?}"/*
    flock /tmp/es-cpu.lock mvn -B -q -f scripts/cluster/flink-lib.xml dependency:copy-dependencies \
        -DoutputDirectory="$LIB/flink" -DincludeScope=runtime
    flock /tmp/es-cpu.lock mvn -B -q -f scripts/cluster/kafka-lib.xml dependency:copy-dependencies \
        -DoutputDirectory="$LIB/kafka" -DincludeScope=runtime
    touch "$LIB/.done"
  fi
  if [ ! -f "$JOB_JAR" ] || [ ! -f alerts/target/classpath.txt ] || [ -n "${REBUILD:-}" ]; then
    log "building the -Pdeploy job jar and the incidents application"
    flock /tmp/es-cpu.lock mvn -B -q -o -Pdeploy -DskipTests -pl flink-job,alerts -am package dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
  fi
  classpath() { ls "$1"/*.jar | paste -sd: -; }
  # Flink 2 on Java 17 needs these opens and exports (Flink's own config.yaml sets them as env.java.opts.all).
  local opens=""
  for m in java.rmi/sun.rmi.registry java.security.jgss/sun.security.krb5; do opens+=" --add-exports=$m=ALL-UNNAMED"; done
  for p in java.lang java.net java.io java.nio sun.nio.ch java.lang.reflect java.text java.time java.util \
      java.util.concurrent java.util.concurrent.atomic java.util.concurrent.locks; do
    opens+=" --add-opens=java.base/$p=ALL-UNNAMED"
  done
  echo "$opens -cp $(classpath "$LIB/flink")" > "$RUN/flink.args"
  echo "-cp $(classpath "$LIB/kafka")" > "$RUN/kafka.args"
  echo "-cp $ROOT/alerts/target/classes:$(cat alerts/target/classpath.txt)" > "$RUN/incidents.args"
  configure
}

configure() {
  mkdir -p "$RUN/conf" "$RUN/kafka"
  cat > "$RUN/conf/config.yaml" <<YAML
jobmanager.rpc.address: localhost
jobmanager.rpc.port: $JM_RPC_PORT
jobmanager.bind-host: localhost
jobmanager.memory.process.size: 1024m
rest.address: localhost
rest.bind-address: localhost
rest.port: $REST_PORT
taskmanager.bind-host: localhost
taskmanager.host: localhost
taskmanager.numberOfTaskSlots: 1
taskmanager.memory.process.size: 1536m
parallelism.default: 2
execution.checkpointing.storage: filesystem
execution.checkpointing.dir: file://$RUN/checkpoints
execution.checkpointing.savepoint-dir: file://$RUN/savepoints
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
# Each loads a native library once per JVM; a job classloader per (re)submission could not load it again.
classloader.parent-first-patterns.additional: ai.onnxruntime.;ai.djl.
restart-strategy.type: exponential-delay
restart-strategy.exponential-delay.initial-backoff: 1 s
restart-strategy.exponential-delay.max-backoff: 10 s
# A killed TaskManager is noticed by its broken connection at once; the timeout covers a hung one.
heartbeat.timeout: 15000
heartbeat.interval: 3000
YAML
  cat > "$RUN/conf/log4j-console.properties" <<'PROPS'
rootLogger.level = INFO
rootLogger.appenderRef.console.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %-40c{1.} - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.kafkaserver.name = kafka
logger.kafkaserver.level = WARN
logger.kafkacoord.name = org.apache.kafka.coordinator
logger.kafkacoord.level = WARN
logger.es.name = io.energysentinel
logger.es.level = INFO
PROPS
  cat > "$RUN/kafka/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$RUN/kafka/data
num.partitions=4
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=2097152
PROPS
}

pid_of() { cat "$RUN/pids/$1.pid" 2>/dev/null || true; }
alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# Starts "$@" in the background as process NAME, logging to RUN/logs/NAME.log (appended: a restart keeps the history).
spawn() {
  local name=$1; shift
  if alive "$name"; then log "$name already runs (pid $(pid_of "$name"))"; return; fi
  echo "=== $(date -u +%FT%TZ) start" >> "$RUN/logs/$name.log"
  # setsid: a kill of this script (or Ctrl-C) does not reach the cluster; stop does.
  setsid "$@" >> "$RUN/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/pids/$name.pid"
  log "$name started (pid $!, log $RUN/logs/$name.log)"
}

wait_for() {  # wait_for WHAT SECONDS COMMAND...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "$what not ready after ${seconds}s"; return 1
}

kafka_java() { java -Xmx256m -Dlog4j2.configurationFile="$RUN/conf/log4j-console.properties" @"$RUN/kafka.args" "$@"; }

start_broker() {
  if [ ! -f "$RUN/kafka/data/meta.properties" ]; then
    # Kafka 4 refuses an unformatted log directory: format it once with a fresh cluster id.
    local id; id=$(kafka_java kafka.tools.StorageTool random-uuid)
    kafka_java kafka.tools.StorageTool format -t "$id" -c "$RUN/kafka/server.properties" >> "$RUN/logs/broker.log" 2>&1
  fi
  spawn broker java -Xmx768m -Dlog4j2.configurationFile="$RUN/conf/log4j-console.properties" @"$RUN/kafka.args" \
      kafka.Kafka "$RUN/kafka/server.properties"
  wait_for "the broker" 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$KAFKA_PORT"
}

create_topics() {
  local existing; existing=$(kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list 2>/dev/null)
  for t in "${TOPICS[@]}"; do
    grep -qx "$t" <<< "$existing" && continue
    kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
        --topic "$t" --partitions 4 --replication-factor 1 --config max.message.bytes=2097152 >/dev/null
  done
  log "topics: ${TOPICS[*]}"
}

# JVM options and dynamic settings of a Flink process, computed from config.yaml by Flink's own BashJavaUtils,
# as bin/jobmanager.sh and bin/taskmanager.sh do.
flink_params() {
  java @"$RUN/flink.args" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$RUN/conf" 2>/dev/null \
      | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

flink_jvm() {  # flink_jvm NAME CLASS KIND
  local name=$1 class=$2 params jvm dynamic
  params=$(flink_params "$3")
  jvm=$(sed -n 1p <<< "$params"); dynamic=$(sed -n 2p <<< "$params")
  # shellcheck disable=SC2086
  spawn "$name" env FLINK_CONF_DIR="$RUN/conf" ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-AVX2}" java $jvm \
      -Dai.djl.offline=true -Dlog4j2.configurationFile="$RUN/conf/log4j-console.properties" \
      -Dlog4j.configurationFile="$RUN/conf/log4j-console.properties" ${FLINK_JVM_OPTS:-} \
      @"$RUN/flink.args" "$class" --configDir "$RUN/conf" $dynamic
}

rest() { curl -sf "http://localhost:$REST_PORT$1"; }

start_jm() {
  flink_jvm jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS
  wait_for "the JobManager's REST endpoint" 90 rest /overview
}

start_tm() {
  flink_jvm "taskmanager-$1" org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS
}

start_incidents() {
  spawn incidents java -Xmx512m -Dlog4j2.configurationFile="$RUN/conf/log4j-console.properties" @"$RUN/incidents.args" \
      io.energysentinel.alerts.IncidentsApp --bootstrap-servers "$BOOTSTRAP" --metrics-port 0 \
      --state-dir "$RUN/incidents-state" --replication-factor 1 --route camera-=energysentinel.incidents.vision \
      ${INCIDENTS_ARGS:-}
}

all_running() {
  rest "/jobs/$(cat "$RUN/job.id")" | python3 -c 'import json,sys
j=json.load(sys.stdin); sys.exit(0 if j["state"]=="RUNNING" and all(v["status"]=="RUNNING" for v in j["vertices"]) else 1)'
}

# The job through Flink's CLI, detached, with the flags given to start (RUN/job.flags). --checkpoint-dir makes the client restore the latest checkpoint under it.
submit() {
  local out flags=()
  [ -s "$RUN/job.flags" ] && mapfile -t flags < "$RUN/job.flags"
  out=$(env FLINK_CONF_DIR="$RUN/conf" java -Xmx512m -Dai.djl.offline=true \
      -Dlog4j2.configurationFile="$RUN/conf/log4j-console.properties" @"$RUN/flink.args" \
      org.apache.flink.client.cli.CliFrontend run -d "$JOB_JAR" \
      --bootstrap-servers "$BOOTSTRAP" --bundle "$BUNDLE" --parallelism 2 --metrics-port 0 \
      --checkpoint-dir "$RUN/checkpoints" --checkpoint-interval "$CHECKPOINT_INTERVAL" --transaction-timeout PT2M \
      --fast-alerts-topic energysentinel.fast-alerts "${flags[@]}" 2>&1 | tee -a "$RUN/logs/client.log")
  grep -o 'JobID [0-9a-f]*' <<< "$out" | tail -1 | cut -d' ' -f2 > "$RUN/job.id"
  [ -s "$RUN/job.id" ] || { log "submission failed; see $RUN/logs/client.log"; return 1; }
  log "job $(cat "$RUN/job.id") submitted"
}

status() {
  for name in broker jobmanager taskmanager-1 taskmanager-2 incidents; do
    if alive "$name"; then echo "$name running pid $(pid_of "$name")"; else echo "$name stopped"; fi
  done
  rest /jobs/overview 2>/dev/null | python3 -c 'import json,sys
for j in json.load(sys.stdin)["jobs"]: print("job", j["jid"], j["state"], j["name"])' || echo "no JobManager answers"
}

stop_one() {
  local name=$1 p; p=$(pid_of "$name")
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill "$p"
    for _ in $(seq 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p"
    log "$name stopped"
  fi
  rm -f "$RUN/pids/$name.pid"
}

cmd=${1:-status}; shift || true
case "$cmd" in
  start)
    build
    start_broker; create_topics
    start_jm; start_tm 1; start_tm 2
    wait_for "two TaskManagers" 90 bash -c "curl -sf http://localhost:$REST_PORT/overview | grep -q '\"taskmanagers\":2'"
    start_incidents
    if [ $# -gt 0 ]; then printf '%s\n' "$@" > "$RUN/job.flags"; else : > "$RUN/job.flags"; fi
    submit
    ;;
  build) build ;;
  submit) submit ;;
  wait-running) wait_for "the job's tasks" 180 all_running ;;
  stop-one) stop_one "$1" ;;
  start-broker) start_broker ;;
  start-jm) start_jm ;;
  start-tm) start_tm "$1" ;;
  start-incidents) start_incidents ;;
  kill) p=$(pid_of "$1"); [ -n "$p" ] && kill -"${2:-KILL}" "$p" && log "$1 (pid $p) sent SIG${2:-KILL}"; rm -f "$RUN/pids/$1.pid" ;;
  savepoint)
    env FLINK_CONF_DIR="$RUN/conf" java -Xmx256m @"$RUN/flink.args" org.apache.flink.client.cli.CliFrontend \
        stop --savepointPath "file://$RUN/savepoints" "$(cat "$RUN/job.id")" ;;
  pids) for n in jobmanager taskmanager-1 taskmanager-2; do alive "$n" && pid_of "$n"; done ;;
  status) status ;;
  stop)
    if rest /overview >/dev/null 2>&1 && [ -s "$RUN/job.id" ]; then
      rest "/jobs/$(cat "$RUN/job.id")" >/dev/null && curl -sf -X PATCH "http://localhost:$REST_PORT/jobs/$(cat "$RUN/job.id")?mode=cancel" >/dev/null || true
    fi
    for name in incidents taskmanager-2 taskmanager-1 jobmanager broker; do stop_one "$name"; done ;;
  *) sed -n '2,25p' "$0"; exit 2 ;;
esac
