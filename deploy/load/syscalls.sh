#!/usr/bin/env bash
# System calls per forwarded keep-alive request on the steady path, counted with strace.
#
#   deploy/load/syscalls.sh [seconds] [connections] [jar]
#
# Starts nginx as the app and the gateway in front of it (see lib.sh), warms the gateway up, then attaches
# `strace -c -f` to it while wrk sends keep-alive GETs for a filed host, and divides each system call's count
# by the requests wrk completed. strace slows the gateway a lot: the throughput of this run means nothing,
# the calls per request do. Installs wrk, nginx and strace if missing.
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${1:-10}
CONNECTIONS=${2:-8}
JAR=${3:-gateway/target/beian-gateway.jar}
need wrk nginx strace curl
start_nginx
start_gateway "$JAR" -Xmx512m
wrk -t1 -c"$CONNECTIONS" -d5s -H 'Host: bench.example.cn' http://127.0.0.1:18080/ >/dev/null # warm-up

strace -c -f -qq -p "$gateway_pid" -o "$work/strace.txt" &
st=$!
sleep 2
wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -H 'Host: bench.example.cn' http://127.0.0.1:18080/ > "$work/wrk.txt"
kill -INT "$st"
wait "$st" 2>/dev/null || true
requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
echo "requests: $requests (wrk -t1 -c$CONNECTIONS -d${SECONDS_PER_RUN}s, under strace)"
echo "syscall            calls   per request"
# strace -c columns: % time, seconds, usecs/call, calls, [errors], syscall
awk -v n="$requests" '$1 ~ /^[0-9.]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" {
  printf "%-16s %8d   %.2f\n", $NF, $4, $4 / n
}' "$work/strace.txt" | sort -k2 -n -r | head -12
