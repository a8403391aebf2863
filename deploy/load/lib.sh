# Shared set-up of the load scripts (sourced, not run): installs what is missing, starts nginx as the app on
# 127.0.0.1:18081 (plus, with `proxy`, nginx as a reverse proxy on :18082), and the gateway on :18080
# (admin :18090, threads: 1, access log off, registry with bench.example.cn filed). Everything started is
# stopped when the script exits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

need() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    local pkgs=()
    for tool in "${missing[@]}"; do [ "$tool" = nginx ] && pkgs+=(nginx-light) || pkgs+=("$tool"); done
    apt-get install -y -qq "${pkgs[@]}" >/dev/null
  fi
}

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start_nginx [proxy]: the app, and with "proxy" also nginx proxying to it with upstream keep-alive;
# $nginx_extra: more server blocks for the http section
nginx_extra=""
start_nginx() {
  local proxy_server=""
  if [ "${1:-}" = proxy ]; then
    proxy_server='server { listen 127.0.0.1:18082; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } }'
  fi
  cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream app { server 127.0.0.1:18081; keepalive 64; }
  server { listen 127.0.0.1:18081; location / { return 200 "hello, world\n"; } }
  $proxy_server
  $nginx_extra
}
NGINX
  nginx -c "$work/nginx.conf"
}

# start_gateway JAR [java options...]: the gateway in front of the app; returns when it is ready.
# $gateway_certs: a certificates folder; the gateway then serves HTTPS on 127.0.0.1:18444 too
gateway_certs=""
start_gateway() {
  local jar=$1
  shift
  [ -f "$jar" ] || mvn -B -q package -DskipTests
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
$([ -n "$gateway_certs" ] && echo "  https: 127.0.0.1:18444")
$([ -n "$gateway_certs" ] && printf 'tls:\n  certificates: %s' "$gateway_certs")
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
  java "$@" -jar "$jar" --config "$work/gateway.yaml" > "$work/gateway.log" 2>&1 &
  gateway_pid=$!
  pids+=("$gateway_pid")
  for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18090/readyz && return 0; sleep 0.2; done
  echo "the gateway did not start:" >&2
  cat "$work/gateway.log" >&2
  return 1
}

# ratio A B: A / B with two decimals (the contender's figure over nginx's)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# median VALUES...: the middle value (the lower middle of an even count)
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# cpu_ticks PID: the process's user and system CPU time so far, in clock ticks (getconf CLK_TCK a second)
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }

# cpu_per_request PID URL HOST SECONDS CONNECTIONS: one wrk run from CPU 0 (keep-alive GETs with that Host);
# prints the process's µs of CPU per request completed (all, user, system), wrk's p99 and requests/s
cpu_per_request() {
  local u0 s0 u1 s1 out
  read -r u0 s0 < <(cpu_ticks "$1")
  out=$(taskset -c 0 wrk -t1 -c"$5" -d"$4s" --latency -H "Host: $3" "$2")
  read -r u1 s1 < <(cpu_ticks "$1")
  awk -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" -v r="$(awk '/requests in/ {print $1}' <<<"$out")" \
    -v p99="$(awk '$1=="99%" {print $2}' <<<"$out")" -v rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    'BEGIN { f = 1e6 / hz / r; printf "%.2f %.2f %.2f %s %s\n", (u + s) * f, u * f, s * f, p99, rps }'
}

# warm_gateway URL HOST SECONDS CONNECTIONS: the JIT's warm-up, from CPU 0. One long run (C2 still compiles
# hundreds of methods 10-20 s in), then six 2 s runs on new connections, as traffic opens and closes them:
# after one long run on the same connections, the next run's new connections and closes trip C2's traps (end
# of stream, the accept path) and it recompiles the hot path inside the measured round (C2 took 10-20 % of the
# core in the 10 s after; 4-5 % after this churn)
warm_gateway() {
  taskset -c 0 wrk -t1 -c"$4" -d"$3s" -H "Host: $2" "$1" > /dev/null
  for _ in 1 2 3 4 5 6; do
    taskset -c 0 wrk -t1 -c"$4" -d2s -H "Host: $2" "$1" > /dev/null
  done
}
