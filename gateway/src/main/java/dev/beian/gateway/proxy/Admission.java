package dev.beian.gateway.proxy;

import dev.beian.decision.BlockReason;
import dev.beian.decision.Decision;
import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.metrics.Outcome;
import dev.beian.registry.Registry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Which way a request goes (SPEC §6): its authority ({@link Authority}), the registry in service (read
 * once, so one request is decided by one registry from start to end), the decision ({@code Decider}) and,
 * to forward, the upstream. It writes nothing: the {@link RequestReceiver} carries the verdict out.
 */
final class Admission {
    /** What becomes of a request; {@code host()} is what the log shows (null: none). */
    sealed interface Verdict {
        String host();
    }

    /** Answered by the gateway at once, with the connection closed: malformed, or nowhere to send it. */
    record Refuse(HttpResponseStatus status, Outcome outcome, String host) implements Verdict {
    }

    /** Not filed and accessed here: the block answer. */
    record Block(BlockReason reason, String host) implements Verdict {
    }

    /** Filed and accessed here: to {@code upstream}. */
    record Forward(Authority authority, Upstreams.Upstream upstream) implements Verdict {
        @Override
        public String host() {
            return authority.value();
        }
    }

    private Admission() {
    }

    /** {@code sni}: the normalised name of the TLS connection's SNI; null over plain HTTP. */
    static Verdict admit(ProxyContext context, HttpRequest request, String sni) {
        if (request.method().equals(HttpMethod.CONNECT)) {
            return new Refuse(HttpResponseStatus.METHOD_NOT_ALLOWED, Outcome.BAD_REQUEST, null);
        }
        Authority authority;
        try {
            authority = Authority.of(request);
        } catch (Authority.BadAuthority e) {
            return new Refuse(HttpResponseStatus.BAD_REQUEST, Outcome.BAD_REQUEST, null);
        }
        String host = authority == null ? null : authority.value();
        if (context.config.limits().underscores() == GatewayConfig.Underscores.REJECT
                && UpstreamRequestHead.hasUnderscoreName(request.headers())) {
            return new Refuse(HttpResponseStatus.BAD_REQUEST, Outcome.BAD_REQUEST, host);
        }
        if (authority == null) { // HTTP/1.0 without Host: nothing filed can match
            return new Block(BlockReason.UNFILED, null);
        }
        Registry registry = context.registry.current();
        Decision decision = context.decider.decide(registry, authority.value());
        if (sni != null && decision.verdict() != Decision.Verdict.INVALID_HOST && !sni.equals(decision.normalizedHost())) {
            // RFC 9110 §15.5.20: the client retries on a new connection; no fronting a name through another's TLS
            return new Refuse(HttpResponseStatus.MISDIRECTED_REQUEST, Outcome.MISDIRECTED, host);
        }
        return switch (decision.verdict()) {
            case INVALID_HOST -> new Refuse(HttpResponseStatus.BAD_REQUEST, Outcome.BAD_REQUEST, host);
            case BLOCK -> new Block(decision.reason(), decision.normalizedHost());
            case FORWARD -> {
                Upstreams.Upstream upstream = context.upstreams.get(decision.upstream());
                yield upstream == null // the registry names an upstream the config lacks: validation prevents it
                        ? new Refuse(HttpResponseStatus.BAD_GATEWAY, Outcome.UPSTREAM_ERROR, host)
                        : new Forward(authority, upstream);
            }
        };
    }
}
