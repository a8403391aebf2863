#!/usr/bin/env bash
# HTTPS beside nginx, same certificate, one worker each, on loopback: HTTP/2 requests per second over kept
# connections, and new TLS connections per second (one request on each), with h2load.
#
#   deploy/load/tls-bench.sh [seconds=10] [connections=16] [rounds=3]
#
# h2: a 60 s warm-up of the gateway first, then six 2 s runs on new connections (as lib.sh warm_gateway does for wrk; its JIT is still compiling the HTTP/2 and TLS paths for the first
# 30-40 s: 3,000 req/s in the first 10 s, 13,000-15,000 from the fourth on), then rounds of `seconds` each,
# alternating nginx and the gateway, 16 connections x 10 streams; prints each round and the median ratio.
# The gateway runs as plain `java -jar`.
# Starts nginx as the app (127.0.0.1:18081), nginx terminating TLS + HTTP/2 in front of it (127.0.0.1:18443),
# and the gateway with HTTPS (127.0.0.1:18444, threads: 1). Client, proxy and app share the machine's cores:
# compare the rows with each other. Installs nginx and h2load (nghttp2-client) if missing.
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${1:-10}
CONNECTIONS=${2:-16}
ROUNDS=${3:-3}
need nginx h2load openssl curl
mkdir -p "$work/certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.example.cn \
  -addext "subjectAltName=DNS:bench.example.cn,DNS:*.bench.example.cn" \
  -keyout "$work/certs/bench.key" -out "$work/certs/bench.crt" 2>/dev/null
nginx_extra="
  upstream app2 { server 127.0.0.1:18081; keepalive 64; }
  server {
    listen 127.0.0.1:18443 ssl http2;
    ssl_certificate $work/certs/bench.crt;
    ssl_certificate_key $work/certs/bench.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { proxy_pass http://app2; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
start_nginx
gateway_certs="$work/certs"
start_gateway "${JAR:-gateway/target/beian-gateway.jar}"   # JAR=...: another build

run() {
  local name=$1 port=$2
  local shift_args=("${@:3}")
  h2load --connect-to=127.0.0.1:"$port" -n 5000 -c "$CONNECTIONS" "${shift_args[@]}" https://bench.example.cn/ >/dev/null 2>&1 # warm-up
  local out
  out=$(h2load --connect-to=127.0.0.1:"$port" "${shift_args[@]}" https://bench.example.cn/ 2>&1)
  local rps ok
  rps=$(awk '/^finished in/ {print $4}' <<<"$out")
  ok=$(awk '/^requests:/ {print $8, "ok,", $10, "failed"}' <<<"$out")
  printf '| %s | %s | %s |\n' "$name" "$rps" "$ok"
}
h2rate() { # PORT SECONDS: requests/s of h2load over kept connections
  h2load --connect-to=127.0.0.1:"$1" -D "$2" -c "$CONNECTIONS" -m 10 https://bench.example.cn/ 2>&1 \
    | awk '/^finished in/ {print $4}'
}
echo "h2load, $(nproc) cores, $(date -u +%Y-%m-%d), $CONNECTIONS connections x 10 streams, $ROUNDS rounds of ${SECONDS_PER_RUN} s"
h2rate 18444 60 > /dev/null # the gateway's JIT warm-up
for _ in 1 2 3 4 5 6; do h2rate 18444 2 > /dev/null; done # new connections, as in the rounds (see cpu-bench.sh)
h2rate 18443 5 > /dev/null
echo
echo "| round | nginx h2 req/s | gateway h2 req/s | ratio |"
echo "| --- | --- | --- | --- |"
ratios=()
for r in $(seq "$ROUNDS"); do
  n=$(h2rate 18443 "$SECONDS_PER_RUN")
  g=$(h2rate 18444 "$SECONDS_PER_RUN")
  r_rps=$(ratio "$g" "$n")
  ratios+=("$r_rps")
  echo "| $r | $n | $g | $r_rps |"
done
echo
echo "median ratio: $(median "${ratios[@]}")"
echo
echo "| target | requests/s | requests |"
echo "| --- | --- | --- |"
run "nginx, a new TLS 1.3 connection per request" 18443 -n 2000 -c 2000 -m 1
run "beian-gateway, a new TLS 1.3 connection per request" 18444 -n 2000 -c 2000 -m 1
