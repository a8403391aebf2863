#!/usr/bin/env bash
# Two builds of the gateway side by side: CPU time per request of jar A and jar B, each alone on CPU 1 in
# its turn, in alternating rounds (the other one stopped with SIGSTOP meanwhile), so that the VM's slow and
# fast minutes fall on both. For a change's own effect, which the comparison with nginx is too noisy to show.
#
#   deploy/load/ab-bench.sh JAR_A JAR_B [host=bench.example.cn] [rounds=8] [seconds=6]
#
# host: bench.example.cn (forwarded to the app) or unfiled.example.org (blocked). The app (nginx) and wrk run
# on CPU 0. Each jar is warmed up for 45 s, then six 2 s runs on new connections (lib.sh, warm_gateway). Prints
# each round (CPU, user and system time per request, p99) and the median of each jar. Plain `java -jar`;
# OPTS_B: JVM options for B only (to try a JVM setting against the same jar as A).
source "$(dirname "$0")/lib.sh"
A=$1
B=$2
HOST=${3:-bench.example.cn}
ROUNDS=${4:-8}
SECONDS_PER_RUN=${5:-6}
need wrk nginx curl
[ "$(nproc)" -ge 2 ] || { echo "needs two cores" >&2; exit 1; }

start_nginx
taskset -pc 0 "$(cat "$work/nginx.pid")" > /dev/null
for child in $(pgrep -P "$(cat "$work/nginx.pid")"); do taskset -pc 0 "$child" > /dev/null; done
start_gateway "$A"
pid_a=$gateway_pid
sed -e 's/18080/18085/; s/18090/18095/' "$work/gateway.yaml" > "$work/gateway-b.yaml"
# shellcheck disable=SC2086
java ${OPTS_B:-} -jar "$B" --config "$work/gateway-b.yaml" > "$work/gateway-b.log" 2>&1 &
pid_b=$!
pids+=("$pid_b")
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18095/readyz && break; sleep 0.2; done
taskset -apc 1 "$pid_a" > /dev/null
taskset -apc 1 "$pid_b" > /dev/null

port() { [ "$1" = "$pid_a" ] && echo 18080 || echo 18085; }
warm() { # PID OTHER
  kill -STOP "$2"
  warm_gateway "http://127.0.0.1:$(port "$1")/" "$HOST" 45 64
  kill -CONT "$2"
}
round() { # NAME PID OTHER: prints NAME, µs of CPU per request (all, user, system), p99, req/s
  kill -STOP "$3"
  echo "$1 $(cpu_per_request "$2" "http://127.0.0.1:$(port "$2")/" "$HOST" "$SECONDS_PER_RUN" 64)"
  kill -CONT "$3"
}

warm "$pid_a" "$pid_b"
warm "$pid_b" "$pid_a"
echo "$(nproc) cores, $(date -u +%Y-%m-%d), host $HOST, $ROUNDS rounds of ${SECONDS_PER_RUN} s each, wrk -t1 -c64"
echo "A: $A"
echo "B: $B ${OPTS_B:-}"
echo
echo "| round | jar | CPU/req | user | system | p99 |"
echo "| --- | --- | --- | --- | --- | --- |"
cpu_a=()
cpu_b=()
for r in $(seq "$ROUNDS"); do
  read -r _ cpu user sys p99 _ <<<"$(round A "$pid_a" "$pid_b")"
  cpu_a+=("$cpu")
  echo "| $r | A | $cpu µs | $user µs | $sys µs | $p99 |"
  read -r _ cpu user sys p99 _ <<<"$(round B "$pid_b" "$pid_a")"
  cpu_b+=("$cpu")
  echo "| $r | B | $cpu µs | $user µs | $sys µs | $p99 |"
done
echo
echo "median CPU/req: A $(median "${cpu_a[@]}") µs, B $(median "${cpu_b[@]}") µs"
