#!/usr/bin/env bash
# System calls per forwarded keep-alive request on the steady path, counted with strace.
#
#   deploy/load/syscalls.sh [seconds] [connections] [jar]
#
# Starts nginx as the app (127.0.0.1:18081) and the gateway (127.0.0.1:18080, threads: 1, access log off),
# warms the gateway up, then attaches `strace -c -f` to it while wrk sends keep-alive GETs for a filed host,
# and divides each system call's count by the requests wrk completed. strace slows the gateway a lot: the
# throughput of this run means nothing, the calls per request do. Installs wrk, nginx and strace if missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-10}
CONNECTIONS=${2:-8}
JAR=${3:-gateway/target/beian-gateway.jar}
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null || ! command -v strace >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk nginx-light strace >/dev/null
fi
[ -f "$JAR" ] || mvn -B -q package -DskipTests

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
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:18081; location / { return 200 "hello, world\n"; } }
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
  watch: false
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
java -Xmx512m -jar "$JAR" --config "$work/gateway.yaml" > "$work/gateway.log" 2>&1 &
gw=$!
pids+=($gw)
for _ in $(seq 1 100); do
  curl -s -o /dev/null -H 'Host: bench.example.cn' http://127.0.0.1:18080/ && break
  sleep 0.2
done
wrk -t1 -c"$CONNECTIONS" -d5s -H 'Host: bench.example.cn' http://127.0.0.1:18080/ >/dev/null # warm-up

strace -c -f -qq -p "$gw" -o "$work/strace.txt" &
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
