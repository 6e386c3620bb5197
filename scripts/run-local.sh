#!/usr/bin/env bash
# The whole platform without Docker, for a machine with only a JDK: the broker and both sample services as local
# processes from their Boot jars, and Prometheus when it is installed. Ctrl-C stops everything.
#
#   scripts/run-local.sh            # builds the jars first if any is missing
#   scripts/run-local.sh --build    # always rebuilds them
#
# Ports and the working directory can be changed through the environment: BROKER_PORT (8080), ORDER_PORT (8081),
# AUDIT_PORT (8082), PROMETHEUS_PORT (9090), LOCAL_DIR (./data/local: the broker's data, logs, Prometheus's data).
set -euo pipefail
cd "$(dirname "$0")/.."

BROKER_PORT=${BROKER_PORT:-8080}
ORDER_PORT=${ORDER_PORT:-8081}
AUDIT_PORT=${AUDIT_PORT:-8082}
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
LOCAL_DIR=${LOCAL_DIR:-./data/local}

BROKER_JAR=backbone-server/target/backbone-server-exec.jar
ORDER_JAR=sample-order-service/target/sample-order-service-exec.jar
AUDIT_JAR=sample-audit-service/target/sample-audit-service-exec.jar

if [[ "${1:-}" == "--build" || ! -f $BROKER_JAR || ! -f $ORDER_JAR || ! -f $AUDIT_JAR ]]; then
    mvn -B -q -DskipTests -pl backbone-server,sample-order-service,sample-audit-service -am package
fi

mkdir -p "$LOCAL_DIR/logs"
pids=()
stop_all() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# Waits until a URL answers 200, for at most two minutes; fails if the process behind it died.
await() {
    local name=$1 url=$2 pid=$3
    for _ in $(seq 1 240); do
        if curl -fsS -o /dev/null "$url" 2>/dev/null; then
            echo "$name is up: $url"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$name exited; its log: $LOCAL_DIR/logs/$name.log" >&2
            return 1
        fi
        sleep 0.5
    done
    echo "$name did not become ready in 2 minutes; its log: $LOCAL_DIR/logs/$name.log" >&2
    return 1
}

# Each process gets the settings docker-compose.yml gives its service (deploy/local/*.env, local use only): the broker
# enforces security with the local keys, each sample presents its own.
with_env() {
    local file=$1
    shift
    (set -a && . "$file" && set +a && exec "$@")
}

with_env deploy/local/backbone.env \
    java -jar "$BROKER_JAR" --server.port="$BROKER_PORT" --backbone.data-dir="$LOCAL_DIR/broker" \
    >"$LOCAL_DIR/logs/broker.log" 2>&1 &
pids+=($!)
echo "$!" >"$LOCAL_DIR/broker.pid"
await broker "http://localhost:$BROKER_PORT/actuator/health/readiness" "$!"

with_env deploy/local/order-service.env \
    java -jar "$ORDER_JAR" --server.port="$ORDER_PORT" --backbone.url="http://localhost:$BROKER_PORT" \
    >"$LOCAL_DIR/logs/order-service.log" 2>&1 &
pids+=($!)
order_pid=$!
with_env deploy/local/audit-service.env \
    java -jar "$AUDIT_JAR" --server.port="$AUDIT_PORT" --backbone.url="http://localhost:$BROKER_PORT" \
    >"$LOCAL_DIR/logs/audit-service.log" 2>&1 &
pids+=($!)
audit_pid=$!
await order-service "http://localhost:$ORDER_PORT/actuator/health/readiness" "$order_pid"
await audit-service "http://localhost:$AUDIT_PORT/actuator/health/readiness" "$audit_pid"

if command -v prometheus >/dev/null 2>&1; then
    # The compose configuration with its targets pointed at the local processes.
    mkdir -p "$LOCAL_DIR/prometheus"
    sed -e "s/\"backbone:8080\"/\"localhost:$BROKER_PORT\"/" \
        -e "s/\"order-service:8081\"/\"localhost:$ORDER_PORT\"/" \
        -e "s/\"audit-service:8082\"/\"localhost:$AUDIT_PORT\"/" \
        -e "s#rules/\*.rules.yml#$PWD/deploy/prometheus/rules/*.rules.yml#" \
        deploy/prometheus/prometheus.yml >"$LOCAL_DIR/prometheus/prometheus.yml"
    prometheus --config.file="$LOCAL_DIR/prometheus/prometheus.yml" \
        --storage.tsdb.path="$LOCAL_DIR/prometheus/data" --web.listen-address="localhost:$PROMETHEUS_PORT" \
        >"$LOCAL_DIR/logs/prometheus.log" 2>&1 &
    pids+=($!)
    await prometheus "http://localhost:$PROMETHEUS_PORT/-/ready" "$!"
else
    echo "prometheus is not installed: running without it (Debian: apt-get install prometheus)"
fi

echo "Platform running; logs in $LOCAL_DIR/logs. Ctrl-C stops it."
wait -n "${pids[@]}" || true
echo "A process exited; stopping the others." >&2
