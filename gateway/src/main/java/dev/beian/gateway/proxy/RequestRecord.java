package dev.beian.gateway.proxy;

import dev.beian.gateway.metrics.GatewayMetrics;
import dev.beian.gateway.metrics.Outcome;

/**
 * One request from its head to its end, however it ends (SPEC §7, §9): the one place where a request is
 * counted in {@code beian_requests_total} and written to the access log, and only once. Every path calls
 * {@link #complete}: forwarded, blocked, refused, timed out, the upstream failed, the client gone (499).
 */
final class RequestRecord {
    private final ProxyContext context;
    private final GatewayMetrics.Protocol protocol;
    private final long start;
    private final String client;
    private final String method;
    private final String path;
    private final String host;
    private String upstream;
    private boolean complete;

    /** {@code host}: the authority decided on, or null when there is none (logged as {@code -}). */
    RequestRecord(ProxyContext context, GatewayMetrics.Protocol protocol, long start, String client, String method,
                  String path, String host) {
        this.context = context;
        this.protocol = protocol;
        this.start = start;
        this.client = client;
        this.method = method;
        this.path = path;
        this.host = host;
    }

    String client() {
        return client;
    }

    /** The upstream that serves the request, for the log. */
    void upstream(String name) {
        this.upstream = name;
    }

    boolean isComplete() {
        return complete;
    }

    /** Counts and logs the request the first time; later calls change nothing. */
    void complete(Outcome outcome, int status) {
        if (complete) {
            return;
        }
        complete = true;
        long elapsedNanos = System.nanoTime() - start;
        context.metrics.request(protocol, outcome, elapsedNanos);
        context.accessLog.request(client, host, method, path, status, outcome.label(), upstream, elapsedNanos);
    }
}
