#!/usr/bin/env bash
# Time to ready of two builds of the gateway on the bundled config (config/gateway.yaml, 3 domains), as an
# operator starts it: plain `java -jar`, no JVM options. The builds alternate, so the VM's noise falls on both.
#
#   deploy/load/start-bench.sh A.jar B.jar [rounds=10]
#
# Ready = from the start command until GET /readyz on the admin port answers 200. Ports 8080 and 9090 must be
# free (the bundled config's). Prints each build's times, sorted, and their medians.
source "$(dirname "$0")/lib.sh"
A=$1
B=$2
ROUNDS=${3:-10}
need curl

now_ms() { date +%s%3N; }
ready_ms() { # jar
  local t0 pid
  t0=$(now_ms)
  java -jar "$1" --config config/gateway.yaml > "$work/gateway.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null -m 1 http://127.0.0.1:9090/readyz; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/gateway.log" >&2; exit 1; }
    sleep 0.01
  done
  echo $(( $(now_ms) - t0 ))
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

a=()
b=()
for _ in $(seq 1 "$ROUNDS"); do
  a+=("$(ready_ms "$A")")
  b+=("$(ready_ms "$B")")
done
echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $(java -version 2>&1 | head -1), $ROUNDS alternating starts each"
echo "A $A: $(printf '%s\n' "${a[@]}" | sort -n | tr '\n' ' ')ms; median $(median "${a[@]}") ms"
echo "B $B: $(printf '%s\n' "${b[@]}" | sort -n | tr '\n' ' ')ms; median $(median "${b[@]}") ms"
