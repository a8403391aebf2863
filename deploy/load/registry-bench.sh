#!/usr/bin/env bash
# A million-domain registry in beian-gateway, nginx and HAProxy: time to ready and resident memory, as an
# operator starts each (the gateway with plain `java -jar`, no JVM options).
#
#   deploy/load/registry-bench.sh [domains=1000000] [reloads=5]
#
# Generates the registry (deploy/load/GenerateRegistry.java: subjects x 4 websites x 4 domains) and the same
# domains as an nginx `map` (hostnames) and an HAProxy `map_dom` file. Then, for each: start, poll until it
# answers, read VmRSS. For the gateway: a cold start (no compiled registry), a restart on the same file (its
# compiled form), and `reloads` reloads of a changed file (two versions alternating, one website per thousand
# differs), with the resident size and the reload's own cost (from its log line) after each, while wrk sends
# keep-alive requests for a filed host through the gateway to nginx (a run without reloads first, for
# comparison). Installs nginx, haproxy, wrk and curl with apt-get if missing; stops everything it started.
source "$(dirname "$0")/lib.sh"
DOMAINS=${1:-1000000}
RELOADS=${2:-5}
need nginx haproxy curl wrk
jar=gateway/target/beian-gateway.jar
[ -f "$jar" ] || mvn -B -q package -DskipTests

java deploy/load/GenerateRegistry.java "$work/v0" "$DOMAINS" 0
java deploy/load/GenerateRegistry.java "$work/v1" "$DOMAINS" 7
cp "$work/v0/registry.yaml" "$work/registry.yaml"

now_ms() { date +%s%3N; }
rss_mb() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }
wait_http() { # url, timeout seconds
  local deadline=$(( $(now_ms) + $2 * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    curl -s -o /dev/null -m 1 "$1" && return 0
    sleep 0.02
  done
  return 1
}

echo "$(nproc) cores, $(date -u +%Y-%m-%d), $(java -version 2>&1 | head -1), $(wc -c < "$work/registry.yaml") bytes of YAML, $DOMAINS domains"
echo
echo "| contender | ready | resident |"
echo "| --- | --- | --- |"

# --- nginx: map with hostnames, one worker
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  map_hash_bucket_size 128;
  map_hash_max_size 4194304;
  include $work/v0/nginx-map.conf;
  server { listen 127.0.0.1:18181; location / { return 200 "\$filed\n"; } }
}
NGINX
t0=$(now_ms)
nginx -c "$work/nginx.conf"
wait_http http://127.0.0.1:18181/ 60
t1=$(now_ms)
master=$(cat "$work/nginx.pid")
worker=$(pgrep -P "$master" | head -1)
printf '| nginx map (master + 1 worker) | %d.%02d s | %s MB master, %s MB worker |\n' $(( (t1 - t0) / 1000 )) $(( (t1 - t0) % 1000 / 10 )) "$(rss_mb "$master")" "$(rss_mb "$worker")"
kill "$master"; sleep 1; rm -f "$work/nginx.pid"

# --- HAProxy: map_dom
cat > "$work/haproxy.cfg" <<HAPROXY
global
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend f
  bind 127.0.0.1:18182
  http-request return status 200 content-type text/plain string "filed" if { hdr(host),map_dom($work/v0/haproxy.map) -m found }
  http-request return status 451 content-type text/plain string "unfiled"
HAPROXY
t0=$(now_ms)
haproxy -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
hap=$!
pids+=("$hap")
wait_http http://127.0.0.1:18182/ 60
t1=$(now_ms)
printf '| HAProxy map_dom | %d.%02d s | %s MB |\n' $(( (t1 - t0) / 1000 )) $(( (t1 - t0) % 1000 / 10 )) "$(rss_mb "$hap")"
kill "$hap"; wait "$hap" 2>/dev/null || true

# --- the gateway
cat > "$work/gateway.yaml" <<YAML
listen:
  http: 127.0.0.1:18080
admin:
  listen: 127.0.0.1:18090
registry:
  path: registry.yaml
  watch: false
upstreams:
  default: [127.0.0.1:18081]
YAML
start() {
  t0=$(now_ms)
  java -jar "$jar" --config "$work/gateway.yaml" >> "$work/gateway.log" 2>&1 &
  gw=$!
  pids+=("$gw")
  wait_http http://127.0.0.1:18090/readyz 120 || { cat "$work/gateway.log" >&2; exit 1; }
  t1=$(now_ms)
  ready_ms=$(( t1 - t0 ))
}
stop() { kill "$gw"; wait "$gw" 2>/dev/null || true; }
check() { # a filed and an unfiled host answer as they should
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: s1w2d1-site.com.cn' http://127.0.0.1:18080/ || true)
  [ "$code" = 502 ] || [ "$code" = 200 ] || echo "  (filed host answered $code)"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: unfiled.example.org' http://127.0.0.1:18080/ || true)
  [ "$code" = 451 ] || echo "  (unfiled host answered $code)"
}
start
printf '| beian-gateway, cold (no compiled registry) | %d.%02d s | %s MB |\n' $(( ready_ms / 1000 )) $(( ready_ms % 1000 / 10 )) "$(rss_mb "$gw")"
check
sleep 3 # the compiled form is written after ready, on the reload thread
stop
start
printf '| beian-gateway, restart (compiled registry) | %d.%02d s | %s MB |\n' $(( ready_ms / 1000 )) $(( ready_ms % 1000 / 10 )) "$(rss_mb "$gw")"
check
start_nginx # the app on :18081, for the traffic during reloads
load() { # seconds: wrk through the gateway to the app, for a filed host
  wrk -t1 -c16 -d"$1"s --latency -H 'Host: s1w2d1-site.com.cn' http://127.0.0.1:18080/ > "$work/wrk.txt"
}
summary() {
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")" \
    "$(awk '$1=="99%" {print $2}' "$work/wrk.txt")" "$(awk '/Latency/ {print $4}' "$work/wrk.txt")" \
    "$(grep -E 'Non-2xx|Socket errors' "$work/wrk.txt" | tr '\n' ' ' | sed 's/ *$//' | grep . || echo none)"
}
load 5 # warm-up
load $(( RELOADS * 4 ))
echo
echo "| traffic (wrk -t1 -c16) | requests/s | p99 | max | errors |"
echo "| --- | --- | --- | --- | --- |"
summary "no reload"
load $(( RELOADS * 4 )) &
wrk_pid=$!
sleep 1
reloads=""
for i in $(seq "$RELOADS"); do
  version=$(( i % 2 ))
  cp "$work/v$version/registry.yaml" "$work/registry.yaml.new"
  mv "$work/registry.yaml.new" "$work/registry.yaml"
  t0=$(now_ms)
  curl -s -X POST http://127.0.0.1:18090/reload > "$work/reload.json"
  t1=$(now_ms)
  line=$(grep 'registry reloaded' "$work/gateway.log" | tail -1)
  parsed=$(sed -n 's/.*(\([0-9]* KB\) of YAML parsed, \([0-9]* MB\) allocated).*/\1/p' <<<"$line")
  allocated=$(sed -n 's/.*(\([0-9]* KB\) of YAML parsed, \([0-9]* MB\) allocated).*/\2/p' <<<"$line")
  sleep 1
  reloads+=$(printf '| %d | %d ms | %s | %s | %s MB |' "$i" $(( t1 - t0 )) "${parsed:-?}" "${allocated:-?}" "$(rss_mb "$gw")")$'\n'
done
wait "$wrk_pid"
summary "$RELOADS reloads of a changed file during the run"
echo
echo "| reload (changed file) | took | YAML parsed | allocated | resident after |"
echo "| --- | --- | --- | --- | --- |"
printf '%s' "$reloads"
check
compiled=$(sed -n 's/.* compiled to \(.*\) in .*/\1/p' "$work/gateway.log" | tail -1)
stop
[ -n "$compiled" ] && rm -f "$compiled"
echo
echo "gateway log (load lines):"
grep -E 'registry (loaded|reloaded|version)|heap returned' "$work/gateway.log" | sed 's/^/  /' | cut -c1-220
