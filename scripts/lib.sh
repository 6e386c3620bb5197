# What every benchmark script (scripts/bench-*.sh) does before it measures: answer --help, check that the jars are
# built, and make a working directory that goes away at exit with every process the script started.
# Sourced, not run: `. scripts/lib.sh` from the repository root, after `set -euo pipefail`.

# The load generator, and the command that builds it with the broker.
BENCH=backbone-bench/target/backbone-bench.jar
BUILD_COMMAND="mvn -B -DskipTests -pl backbone-bench,backbone-server -am package"

# With -h or --help as the first argument: prints the calling script's header comment and exits.
bench_help() {
    case "${1:-}" in
        -h | --help)
            awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
            exit 0
            ;;
    esac
}

# Exits 1, naming the first missing file and how to build it, unless every file given exists.
bench_require() {
    local file
    for file in "$@"; do
        if [ ! -f "$file" ]; then
            echo "missing $file; build first: $BUILD_COMMAND" >&2
            exit 1
        fi
    done
}

# Sets WORK to a fresh directory /var/tmp/<prefix>.XXXXXX (a disk, not a tmpfs) and PIDS to an empty list; at exit
# (Ctrl-C included) every pid in PIDS is killed and WORK deleted. Call it from the script itself, not a subshell,
# and append each background process's pid to PIDS there too, so that the cleanup sees them.
bench_workdir() { # prefix
    WORK=$(mktemp -d "/var/tmp/$1.XXXXXX")
    PIDS=()
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
