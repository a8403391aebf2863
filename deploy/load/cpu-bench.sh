#!/usr/bin/env bash
# CPU time per request of beian-gateway and of nginx doing the same job, each alone on one core.
#
#   deploy/load/cpu-bench.sh [seconds=10] [rounds=3] [connections=64]
#
# The app (nginx, 13-byte answer) and wrk share CPU 0; the contender runs alone on CPU 1 with one worker /
# one event loop: nginx as a reverse proxy with upstream keep-alive, or the gateway (`threads: 1`, plain
# `java -jar`, access log off). Two jobs: forward (a filed host, proxied to the app) and block (an unfiled
# host; nginx answers the same 451 page from memory). Rounds alternate gateway and nginx after a warm-up (for the gateway: 30 s, then six 2 s runs on new connections) of
# each; a round's figure is the contender's CPU time (utime + stime from /proc) divided by the requests wrk
# completed. Prints each round and the median ratio. Installs wrk, nginx and curl with apt-get if missing.
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-3}
CONNECTIONS=${3:-64}
need wrk nginx curl
[ "$(nproc)" -ge 2 ] || { echo "needs two cores" >&2; exit 1; }
jar=gateway/target/beian-gateway.jar
[ -f "$jar" ] || mvn -B -q package -DskipTests

# the app on CPU 0 (lib.sh's nginx), the proxy nginx (one worker) pinned to CPU 1 below
start_nginx
taskset -pc 0 "$(cat "$work/nginx.pid")" > /dev/null
for child in $(pgrep -P "$(cat "$work/nginx.pid")"); do taskset -pc 0 "$child" > /dev/null; done
cat > "$work/proxy.conf" <<NGINX
worker_processes 1;
worker_cpu_affinity 10;
pid $work/proxy.pid;
error_log $work/proxy-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream app { server 127.0.0.1:18081; keepalive 64; }
  server {
    listen 127.0.0.1:18082;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:18083;
    default_type text/html;
    location / { return 451 "$(head -c 2000 /dev/zero | tr '\0' 'x')"; }
  }
}
NGINX
nginx -c "$work/proxy.conf"
proxy_worker=$(pgrep -P "$(cat "$work/proxy.pid")" | head -1)

taskset -c 1 true # fail early without taskset
# GATEWAY_JAVA_OPTS: JVM options for an experiment (the figures in README are plain java -jar)
start_gateway "$jar" ${GATEWAY_JAVA_OPTS:-}
taskset -apc 1 "$gateway_pid" > /dev/null

# run NAME PID URL HOST: one measured run; prints NAME, µs of CPU per request (all, user, system), p99, req/s
run() { echo "$1 $(cpu_per_request "$2" "$3" "$4" "$SECONDS_PER_RUN" "$CONNECTIONS")"; }

echo "$(nproc) cores, $(date -u +%Y-%m-%d), wrk -t1 -c$CONNECTIONS -d${SECONDS_PER_RUN}s per run, $ROUNDS rounds"
for job in forward block; do
  if [ "$job" = forward ]; then host=bench.example.cn; nginx_url=http://127.0.0.1:18082/
  else host=unfiled.example.org; nginx_url=http://127.0.0.1:18083/; fi
  warm_gateway http://127.0.0.1:18080/ "$host" 30 "$CONNECTIONS"
  taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d3s -H "Host: $host" "$nginx_url" > /dev/null
  results=()
  for r in $(seq "$ROUNDS"); do
    results+=("$(run gateway "$gateway_pid" http://127.0.0.1:18080/ "$host")")
    results+=("$(run nginx "$proxy_worker" "$nginx_url" "$host")")
  done
  echo
  echo "### $job"
  echo
  echo "| round | gateway CPU/req | nginx CPU/req | ratio | gateway user / system | nginx user / system | gateway p99 | nginx p99 | gateway req/s | nginx req/s |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  ratios=()
  for r in $(seq 0 $((ROUNDS - 1))); do
    read -r _ g_cpu g_user g_sys g_p99 g_rps <<<"${results[$((2 * r))]}"
    read -r _ n_cpu n_user n_sys n_p99 n_rps <<<"${results[$((2 * r + 1))]}"
    r_cpu=$(ratio "$g_cpu" "$n_cpu")
    ratios+=("$r_cpu")
    echo "| $((r + 1)) | $g_cpu µs | $n_cpu µs | $r_cpu | $g_user / $g_sys µs | $n_user / $n_sys µs | $g_p99 | $n_p99 | $g_rps | $n_rps |"
  done
  echo
  echo "median ratio: $(median "${ratios[@]}")"
done
kill "$(cat "$work/proxy.pid")" 2>/dev/null || true
