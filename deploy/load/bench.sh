#!/usr/bin/env bash
# Throughput and latency of beian-gateway against nginx, on loopback, with wrk.
#
#   deploy/load/bench.sh [seconds] [connections]
#
# Starts: nginx as the upstream app (a 13-byte answer on 127.0.0.1:18081), nginx as a reverse proxy in front
# of it (127.0.0.1:18082, for comparison), and the gateway (127.0.0.1:18080, registry with bench.example.cn
# filed). Then runs wrk against: the app directly, nginx proxying, the gateway forwarding, the gateway
# blocking. Everything runs on this one machine, so the client, the proxy and the app share its cores:
# compare the rows with each other, not with other machines. Installs wrk and nginx with apt-get if missing.
# Every process it starts is stopped on exit.
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${1:-15}
CONNECTIONS=${2:-64}
THREADS=2
need wrk nginx curl
start_nginx proxy
start_gateway gateway/target/beian-gateway.jar -Xms512m -Xmx512m -XX:+UseParallelGC

run() {
  local name=$1 url=$2 host=$3
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "Host: $host" "$url" > /dev/null # warm-up (JIT)
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "Host: $host" "$url")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "${errors:-none}"
}

echo "wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| target | requests/s | p50 | p99 | errors / non-2xx |"
echo "| --- | --- | --- | --- | --- |"
run "app (nginx) directly" http://127.0.0.1:18081/ bench.example.cn
run "nginx proxy -> app" http://127.0.0.1:18082/ bench.example.cn
run "beian-gateway forward -> app" http://127.0.0.1:18080/ bench.example.cn
run "beian-gateway block (451 page)" http://127.0.0.1:18080/ unfiled.example.org
