#!/usr/bin/env bash
# Small requests, two builds of the broker in alternation (issue 14): single-record JSON produce over 16 keep-alive
# connections (wrk), the same at a fixed 20,000 requests/s (the load generator's e2e mode, latency from each
# request's due time), key-stream reads among 1,000,000 keys with one and with eight connections, and
# GET /v1/topics. Per run it prints wrk's or the load generator's figures and the broker's CPU ticks (1/100 s,
# user + system), then the median and the runs of each figure; docs/BENCHMARKS.md ("fourth round") has the figures.
#
#   mvn -B -DskipTests -pl backbone-bench,backbone-server -am package
#   BEFORE_JAR=<a build to compare with> scripts/bench-small-requests.sh [pairs (5)]
#   AFTER_JAR=<another build> BEFORE_JAR=... RT=0 scripts/bench-small-requests.sh 3
#
# Both brokers run at once with -Xmx2g on 127.0.0.1 ports 18701 (before) and 18702 (after), on copies of one data
# directory made first (the key-stream topic ks: 1,000,000 keys with one record each, in 4 partitions). Pair 0 warms
# both up and is left out of the summary. RT=1 (the default) runs each measured command and the broker under it with
# SCHED_RR priority 1 (chrt; needs root), so that other work on a shared machine does not decide the figures; see
# BENCHMARKS.md for what that method does to the tails. LOCK="flock <file>" wraps each pair, to take turns with
# other benchmarks. Needs wrk, curl, python3. Data lives under a fresh directory in /var/tmp, deleted at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
bench_help "$@"
PAIRS=${1:-5}
AFTER=${AFTER_JAR:-backbone-server/target/backbone-server-exec.jar}
BEFORE=${BEFORE_JAR:?BEFORE_JAR must name the broker jar to compare with}
RT=${RT:-1}
LOCK=${LOCK:-}
bench_require "$AFTER" "$BEFORE" "$BENCH"
AFTER=$(realpath "$AFTER"); BEFORE=$(realpath "$BEFORE"); BENCH=$(realpath "$BENCH")
bench_workdir backbone-small-requests
cd "$WORK"

cat > post1.lua <<'EOF'
wrk.method = "POST"
wrk.path = "/v1/topics/w1/records"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"records":[{"value":"' .. string.rep("x", 1022) .. '"}]}'
EOF
cat > keys.lua <<'EOF'
math.randomseed(42)
request = function()
  return wrk.format("GET", "/v1/topics/ks/keys/k" .. math.random(0, 999999) .. "/records")
end
EOF

start_broker() { # jar, port, data dir: appends the pid to PIDS and waits until the broker answers
    java -Xmx2g -jar "$1" --server.address=127.0.0.1 --server.port="$2" --backbone.data-dir="$3" \
        --logging.level.root=WARN >"$3.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 240); do
        curl -fsS -o /dev/null "http://127.0.0.1:$2/v1/topics" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "the broker on port $2 did not start; see $3.log" >&2
    exit 1
}

echo "making the data: 1,000,000 keys in topic ks" >&2
python3 -c '
for i in range(1000000):
    print("{\"key\":\"k%d\",\"value\":{\"n\":%d,\"pad\":\"%s\"}}" % (i, i, "x" * 80))' > keys.ndjson
start_broker "$BEFORE" 18701 "$WORK/seed"
curl -fsS -o /dev/null -XPOST http://127.0.0.1:18701/v1/topics -H 'Content-Type: application/json' \
    -d '{"name":"ks","partitions":4}'
curl -fsS -o /dev/null -XPOST http://127.0.0.1:18701/v1/topics -H 'Content-Type: application/json' \
    -d '{"name":"w1","partitions":4}'
curl -fsS -o /dev/null -T keys.ndjson -X POST -H 'Content-Type: application/x-ndjson' \
    http://127.0.0.1:18701/v1/topics/ks/records
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true; PIDS=()
cp -r seed before; cp -r seed after; rm -rf seed keys.ndjson
start_broker "$BEFORE" 18701 "$WORK/before"
start_broker "$AFTER" 18702 "$WORK/after"

rt() { if [ "$RT" = 1 ]; then chrt -r 1 "$@"; else "$@"; fi; }

suite() { # label, pid, port, run
    local label=$1 pid=$2 B=http://127.0.0.1:$3 run=$4
    cpu() { awk '{print $14+$15}' "/proc/$pid/stat"; }
    log() { echo "[$label $run $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)] $*"; }
    measure() { # kind, wrk args
        local kind=$1 c0 c1 r; shift
        c0=$(cpu); r=$(rt wrk "$@" | grep -E 'requests in|^ +(50|90|99)%|Non-2xx'); c1=$(cpu)
        log "$kind $(echo "$r" | tr '\n' ' ') cpu_ticks=$((c1 - c0))"
    }
    [ "$RT" = 1 ] && chrt -a -r -p 1 "$pid" >/dev/null
    rt wrk -t2 -c16 -d3s -s post1.lua "$B" >/dev/null
    measure POST1 -t2 -c16 -d10s --latency -s post1.lua "$B"
    local c0 c1 r
    c0=$(cpu)
    r=$(rt java -cp "$BENCH" dev.backbone.bench.load.LoadGenerator e2e --broker="$B" --topic="r$run" --format=json \
        --client=raw --connections=16 --rate=20000 --duration=10s --warmup=3s --record-size=1024 2>&1 \
        | grep -E 'sent|latency')
    c1=$(cpu)
    log "RATE20K $(echo "$r" | tr '\n' ' ') cpu_ticks=$((c1 - c0))"
    curl -s -o /dev/null -XDELETE "$B/v1/topics/r$run"
    rt wrk -t1 -c1 -d3s -s keys.lua "$B" >/dev/null
    measure KEY1 -t1 -c1 -d10s --latency -s keys.lua "$B"
    measure KEY8 -t2 -c8 -d10s --latency -s keys.lua "$B"
    measure TOPICS1 -t1 -c1 -d10s --latency "$B/v1/topics"
    [ "$RT" = 1 ] && chrt -a -o -p 0 "$pid" >/dev/null
    return 0
}

export -f suite rt
export RT BENCH
for r in $(seq 0 "$PAIRS"); do
    $LOCK bash -c "suite before ${PIDS[0]} 18701 b$r; suite after ${PIDS[1]} 18702 a$r"
done | tee runs.txt

python3 - runs.txt <<'EOF'
import re, sys, statistics as st, collections
d = collections.defaultdict(lambda: collections.defaultdict(list))
unit = {'us': 0.001, 'ms': 1.0, 's': 1000.0}
for line in open(sys.argv[1]):
    m = re.match(r'\[(\w+) \w+?(\d+) [\d:]+ load [\d.]+\] (\w+) (.*)', line)
    if not m or m.group(2) == '0':
        continue
    label, kind, rest = m.group(1), m.group(3), m.group(4)
    ticks = int(re.search(r'cpu_ticks=(\d+)', rest).group(1))
    if kind == 'RATE20K':
        a = re.search(r'produce ack latency: n=[\d,]+ p50=(\d+) us p99=(\d+) us', rest)
        d[kind + ' ack p50 ms'][label].append(int(a.group(1)) / 1000)
        d[kind + ' ack p99 ms'][label].append(int(a.group(2)) / 1000)
        continue
    n = int(re.search(r'([\d,]+) requests in', rest).group(1).replace(',', ''))
    d[kind + ' requests/s'][label].append(n / 10)
    d[kind + ' broker CPU us/request'][label].append(ticks * 10000 / n)
    for p in ('50', '90', '99'):
        v = re.search(p + r'%\s+([\d.]+)(us|ms|s)\b', rest)
        d[kind + ' p' + p + ' ms'][label].append(float(v.group(1)) * unit[v.group(2)])
for k, v in d.items():
    print(f'{k:32s} ' + '  '.join(f'{lab}: {st.median(x):.3f} ({", ".join(f"{y:.3f}" for y in x)})'
                                  for lab, x in v.items()))
EOF
