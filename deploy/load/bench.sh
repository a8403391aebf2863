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
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-15}
CONNECTIONS=${2:-64}
THREADS=2
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk nginx-light >/dev/null
fi
[ -f gateway/target/beian-gateway.jar ] || mvn -B -q package -DskipTests

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  upstream app { server 127.0.0.1:18081; keepalive 64; }
  server { listen 127.0.0.1:18081; location / { return 200 "hello, world\n"; } }
  server {
    listen 127.0.0.1:18082;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
nginx -c "$work/nginx.conf"

cat > "$work/registry.yaml" <<YAML
subjects:
  - number: 京ICP备11018762号
    name: bench
    websites:
      - number: 京ICP备11018762号-1
        name: bench
        domains: [bench.example.cn]
        access: here
YAML
cat > "$work/gateway.yaml" <<YAML
listen:
  http: 127.0.0.1:18080
threads: 1
admin:
  listen: 127.0.0.1:18090
registry:
  path: registry.yaml
upstreams:
  default: [127.0.0.1:18081]
YAML
cat > "$work/logback.xml" <<XML
<configuration>
  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%msg%n</pattern></encoder></appender>
  <logger name="beian.access" level="OFF"/>
  <root level="WARN"><appender-ref ref="OUT"/></root>
</configuration>
XML
java -Xms512m -Xmx512m -XX:+UseParallelGC -jar gateway/target/beian-gateway.jar --config "$work/gateway.yaml" > "$work/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18090/readyz && break; sleep 0.2; done

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
