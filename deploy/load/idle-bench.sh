#!/usr/bin/env bash
# Resident memory of the gateway holding idle keep-alive connections (issue 10: 10,000 of them within 300 MB).
#
#   deploy/load/idle-bench.sh [connections=10000]
#
# Plain `java -jar` on the bench config (lib.sh), one request answered on each connection (a blocked host:
# the 451 page), then all held open and silent; prints VmRSS before, with them open, and after a full GC.
source "$(dirname "$0")/lib.sh"
N=${1:-10000}
need curl
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((N + 500)) ] || { echo "open files limit $(ulimit -n) is too low for $N connections" >&2; exit 1; }
jar=gateway/target/beian-gateway.jar
start_gateway "$jar"
# max-connections is 10,000 by default: raise it for a larger N
rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$gateway_pid/status"; }
echo "gateway ready: $(rss)"
java deploy/load/IdleClients.java 18080 "$N" unfiled.example.org > "$work/idle.log" 2>&1 &
clients=$!
pids+=("$clients")
for _ in $(seq 600); do grep -q "^idle" "$work/idle.log" && break; sleep 0.5; done
grep "^idle" "$work/idle.log" || { cat "$work/idle.log" >&2; exit 1; }
sleep 5
echo "with $N idle connections: $(rss)"
jcmd "$gateway_pid" GC.run > /dev/null 2>&1 || true
sleep 20  # ProcessMemory's periodic collection and heap shrinking
echo "after a full GC and 20 s: $(rss)"
echo "connections active: $(curl -s http://127.0.0.1:18090/metrics | awk '/^beian_connections_active/ {print $2}')"
