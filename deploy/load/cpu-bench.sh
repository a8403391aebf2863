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

hz=$(getconf CLK_TCK)
# run NAME PID URL HOST: one measured run; prints µs of CPU per request (all, user, system), the p99, req/s
run() {
  local pid=$2 u0 s0 u1 s1 out requests
  read -r u0 s0 < <(cpu_ticks "$pid")
  out=$(taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "Host: $4" "$3")
  read -r u1 s1 < <(cpu_ticks "$pid")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  awk -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$hz" -v r="$requests" \
    -v p99="$(awk '$1=="99%" {print $2}' <<<"$out")" -v rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" -v name="$1" \
    'BEGIN { f = 1e6 / hz / r; printf "%s %.2f %s %s %.2f %.2f\n", name, (u + s) * f, p99, rps, u * f, s * f }'
}

echo "$(nproc) cores, $(date -u +%Y-%m-%d), wrk -t1 -c$CONNECTIONS -d${SECONDS_PER_RUN}s per run, $ROUNDS rounds"
for job in forward block; do
  if [ "$job" = forward ]; then host=bench.example.cn; nginx_url=http://127.0.0.1:18082/
  else host=unfiled.example.org; nginx_url=http://127.0.0.1:18083/; fi
  taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d30s -H "Host: $host" http://127.0.0.1:18080/ > /dev/null # JIT warm-up: C2 still compiles hundreds of methods 10-20 s in, here
  # ...then connections that open and close, as traffic's do: after one long run on the same 64 connections,
  # the next run's new connections and closes trip C2's traps (EOF, the accept path) and it recompiles the hot
  # path inside the measured round (C2 took 10-20 % of the core in the 10 s after; 4-5 % after this churn)
  for _ in 1 2 3 4 5 6; do
    taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d2s -H "Host: $host" http://127.0.0.1:18080/ > /dev/null
  done
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
    read -r _ g_cpu g_p99 g_rps g_user g_sys <<<"${results[$((2 * r))]}"
    read -r _ n_cpu n_p99 n_rps n_user n_sys <<<"${results[$((2 * r + 1))]}"
    r_cpu=$(ratio "$g_cpu" "$n_cpu")
    ratios+=("$r_cpu")
    echo "| $((r + 1)) | $g_cpu µs | $n_cpu µs | $r_cpu | $g_user / $g_sys µs | $n_user / $n_sys µs | $g_p99 | $n_p99 | $g_rps | $n_rps |"
  done
  echo
  echo "median ratio: $(median "${ratios[@]}")"
done
kill "$(cat "$work/proxy.pid")" 2>/dev/null || true
