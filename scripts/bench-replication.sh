#!/usr/bin/env bash
# Replicated produce (RF=3, three brokers on this machine) against one broker with flush=sync, in alternation:
# binary batches of 100 records of 1 KiB, 64 requests in flight, one partition. Prints, per run, the load
# generator's throughput and latency lines and the CPU seconds the brokers spent; docs/BENCHMARKS.md
# ("Replication") has the figures and how to read them.
#
#   mvn -B -DskipTests -pl backbone-bench,backbone-server -am package
#   scripts/bench-replication.sh [pairs (5)] [records per run (200000)]
#   BIG_RECORDS=1000000 scripts/bench-replication.sh 1 50000   # and then 1 GB into one partition
#   BIG_RECORDS=1000000 scripts/bench-replication.sh 0          # only the 1 GB: Raft log peak, disk bytes
#   BROKER_JAR=<another build of the broker> scripts/bench-replication.sh
#   PACED_RATE=70 scripts/bench-replication.sh 0       # then RF=3 at 70 requests/s (7,000 records/s), five runs
#                                                      # of 30 s: latency from each request's due time
#
# Brokers run from backbone-server/target/backbone-server-exec.jar with -Xmx2g on 127.0.0.1 ports 18580-18583
# (HTTP) and 19581-19583 (Raft), data under a fresh directory in /var/tmp (a disk, not a tmpfs), deleted at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
bench_help "$@"
PAIRS=${1:-5}
RECORDS=${2:-200000}
JAR=${BROKER_JAR:-backbone-server/target/backbone-server-exec.jar}
bench_require "$JAR" "$BENCH"
bench_workdir backbone-replication-bench

start_broker() { # name, args...: appends the broker's pid to PIDS (not in a subshell, so that cleanup sees it)
    local name=$1; shift
    java -Xmx2g -jar "$JAR" --server.address=127.0.0.1 --logging.level.root=WARN "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
}

await_ready() { # url
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null "$1/actuator/health/readiness" && return 0
        sleep 0.5
    done
    echo "Not ready within 300 s: $1" >&2
    exit 1
}

written_bytes() { # pids...: bytes these processes caused to be written to storage so far (/proc/<pid>/io)
    local bytes=0 pid
    for pid in "$@"; do bytes=$((bytes + $(awk '/^write_bytes/ {print $2}' "/proc/$pid/io"))); done
    echo "$bytes"
}

cpu_seconds() { # pids...: user + system CPU seconds of these processes so far
    local ticks=0 pid
    for pid in "$@"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc
}

leader_of() { # broker url, topic: the HTTP URL of the partition's leader
    for _ in $(seq 1 120); do
        local url
        url=$(curl -sf "$1/v1/cluster" | python3 -c '
import json, sys
view = json.load(sys.stdin)
urls = {p["id"]: p["httpUrl"] for p in view["peers"]}
for p in view["partitions"]:
    if p["topic"] == sys.argv[1] and p["partition"] == 0 and p.get("leader"):
        print(urls[p["leader"]])' "$2" 2>/dev/null || true)
        [ -n "$url" ] && { echo "$url"; return 0; }
        sleep 0.5
    done
    echo "No leader of $2 within 60 s" >&2
    exit 1
}

produce() { # broker url, topic, records, extra options...: a failed run is reported and the script goes on
    local url=$1 topic=$2 records=$3; shift 3
    java -Xmx1g -cp "$BENCH" dev.backbone.bench.load.LoadGenerator produce --broker="$url" --topic="$topic" \
        --format=binary --record-size=1024 --batch-size=100 --records="$records" --concurrency=64 --partitions=1 "$@" \
        >"$WORK/produce.out" 2>&1 || echo "run failed: $(grep -m1 'run failed' "$WORK/produce.out")"
    grep -E '^(produce binary|request latency)' "$WORK/produce.out" || true
}

start_broker single --server.port=18580 --backbone.data-dir="$WORK/single"
single=${PIDS[-1]}
PEERS=b1=127.0.0.1:19581:18581,b2=127.0.0.1:19582:18582,b3=127.0.0.1:19583:18583
cluster=()
for i in 1 2 3; do
    start_broker "b$i" --server.port=1858$i --backbone.data-dir="$WORK/b$i" \
        --backbone.cluster.node-id="b$i" --backbone.cluster.peers="$PEERS"
    cluster+=("${PIDS[-1]}")
done
for url in http://127.0.0.1:18580 http://127.0.0.1:18581 http://127.0.0.1:18582 http://127.0.0.1:18583; do
    await_ready "$url"
done

echo "== warm-up (not measured)"
produce http://127.0.0.1:18580 warm 50000 --flush=sync
curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{"name": "warm", "partitions": 1}' \
    http://127.0.0.1:18581/v1/topics || true
produce "$(leader_of http://127.0.0.1:18581 warm)" warm 50000

for pair in $(seq 1 "$PAIRS"); do
    echo "== pair $pair, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    before=$(cpu_seconds "$single") written=$(written_bytes "$single")
    echo "single-node, flush=sync:"
    produce http://127.0.0.1:18580 "s$pair" "$RECORDS" --flush=sync
    echo "single-node broker CPU s: $(echo "$(cpu_seconds "$single") - $before" | bc)," \
        "disk bytes per payload byte:" \
        "$(echo "scale=2; ($(written_bytes "$single") - $written) / ($RECORDS * 1024)" | bc)"

    curl -sf -o /dev/null -H 'Content-Type: application/json' -d "{\"name\": \"r$pair\", \"partitions\": 1}" \
        http://127.0.0.1:18581/v1/topics || true
    leader=$(leader_of http://127.0.0.1:18581 "r$pair")
    before=$(cpu_seconds "${cluster[@]}") written=$(written_bytes "${cluster[@]}")
    echo "RF=3 through the leader $leader:"
    produce "$leader" "r$pair" "$RECORDS"
    echo "RF=3 brokers' CPU s (all three): $(echo "$(cpu_seconds "${cluster[@]}") - $before" | bc)," \
        "disk bytes per payload byte per replica:" \
        "$(echo "scale=2; ($(written_bytes "${cluster[@]}") - $written) / 3 / ($RECORDS * 1024)" | bc)"
done

if [ "${PACED_RATE:-0}" -gt 0 ]; then
    for run in $(seq 1 "${PACED_RUNS:-5}"); do
        echo "== paced run $run: RF=3 at $PACED_RATE requests/s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
        curl -sf -o /dev/null -H 'Content-Type: application/json' -d "{\"name\": \"paced$run\", \"partitions\": 1}" \
            http://127.0.0.1:18581/v1/topics || true
        produce "$(leader_of http://127.0.0.1:18581 "paced$run")" "paced$run" \
            "$((PACED_RATE * 100 * ${PACED_SECONDS:-30}))" --rate="$PACED_RATE"
    done
fi

largest_raft_log() { # the bytes of the largest group's Raft log segments on any of the three brokers
    local largest=0 dir bytes
    for dir in "$WORK"/b*/raft/*/current; do
        bytes=$(find "$dir" -maxdepth 1 -name 'log_*' -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}')
        [ "$bytes" -gt "$largest" ] && largest=$bytes
    done
    echo "$largest"
}

if [ "${BIG_RECORDS:-0}" -gt 0 ]; then
    echo "== one partition of $BIG_RECORDS records through Raft, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{"name": "big", "partitions": 1}' \
        http://127.0.0.1:18581/v1/topics || true
    # The largest Raft log of any group, sampled every second while the data goes in: the bound is on the peak.
    (peak=0; while true; do now=$(largest_raft_log); [ "$now" -gt "$peak" ] && peak=$now && echo "$peak" \
        >"$WORK/raft-peak"; sleep 1; done) &
    sampler=$!
    PIDS+=("$sampler")
    written=$(written_bytes "${cluster[@]}")
    produce "$(leader_of http://127.0.0.1:18581 big)" big "$BIG_RECORDS"
    kill "$sampler" 2>/dev/null || true
    echo "RF=3 disk bytes per payload byte per replica:" \
        "$(echo "scale=2; ($(written_bytes "${cluster[@]}") - $written) / 3 / ($BIG_RECORDS * 1024)" | bc)"
    echo "largest Raft log of a group (log segments), peak while producing: $(cat "$WORK/raft-peak" 2>/dev/null) B," \
        "at the end: $(largest_raft_log) B"
fi
echo "== on disk: partition logs, and the Raft storage of each group (one directory per group under raft/)"
for i in 1 2 3; do
    echo "b$i partition logs: $(du -sb "$WORK"/b$i/*-0 2>/dev/null | awk '{s += $1} END {print s}') B"
    du -sb "$WORK/b$i/raft"/*/ 2>/dev/null | sort -n | tail -3 | sed "s#$WORK/##"
done
