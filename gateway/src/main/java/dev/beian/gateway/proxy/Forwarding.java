package dev.beian.gateway.proxy;

import dev.beian.gateway.metrics.Outcome;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A forwarded request as its client connection sees it: {@code Expect: 100-continue} answered by the
 * gateway, the body handed to the {@link UpstreamExchange} as it arrives and held to
 * {@code limits.min-body-rate} ({@link BodyRate}), and the endings that are the client's: a malformed body
 * (400), one that stops or trickles (408), the client gone (499).
 */
final class Forwarding implements Cycle {
    private final RequestReceiver receiver;
    private final UpstreamExchange exchange;
    private BodyRate bodyRate;

    Forwarding(RequestReceiver receiver, RequestRecord record, HttpRequest request, Authority authority,
                       Upstreams.Upstream upstream, boolean keepAlive) {
        this.receiver = receiver;
        this.exchange = new UpstreamExchange(receiver, this, record, request, authority, upstream, keepAlive);
    }

    /** Starts the exchange; the receiver has made this its cycle, so an ending on the spot reaches it. */
    void start(HttpRequest request) {
        if (HttpUtil.is100ContinueExpected(request)) {
            // Like nginx, the gateway answers 100 itself once it has decided to forward: the decision is what
            // a client waits for, and upstreams that never send 100 would otherwise stall the client.
            receiver.ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        ProxyContext context = receiver.context;
        long rate = context.config.limits().minBodyRate();
        if (rate > 0 && exchange.body().announced()) {
            bodyRate = BodyRate.watch(receiver, rate, context.config.timeouts().header().toNanos(), exchange.body()::bytes,
                    this::bodyArriving, () -> exchange.end(Outcome.BAD_REQUEST, HttpResponseStatus.REQUEST_TIMEOUT));
        }
        exchange.start();
    }

    private boolean bodyArriving() {
        return !exchange.isEnded() && !exchange.body().complete();
    }

    @Override
    public void content(HttpContent content) {
        exchange.send(content);
    }

    @Override
    public boolean wantsContent() {
        return !exchange.body().complete();
    }

    @Override
    public void readComplete() {
        exchange.flush();
    }

    @Override
    public void violation(FramingViolation violation) {
        // A bad chunk in a body being forwarded, or an HTTP/2 body that broke its content-length: the upstream
        // has part of a request; it must not be reused.
        stopBodyRate();
        exchange.end(Outcome.BAD_REQUEST, violation.status());
    }

    /** No traffic from the client for timeouts.idle: its fault only while it owes body bytes we would read. */
    @Override
    public void clientIdle() {
        if (!exchange.body().complete() && !receiver.flow.isHeld()) {
            stopBodyRate();
            exchange.end(Outcome.BAD_REQUEST, HttpResponseStatus.REQUEST_TIMEOUT);
        }
    }

    @Override
    public void clientGone() {
        stopBodyRate();
        exchange.record.complete(Outcome.CLIENT_ABORT, 499); // nginx's convention; nothing if it had ended
        exchange.abandon();
    }

    private void stopBodyRate() {
        if (bodyRate != null) {
            bodyRate.stop();
            bodyRate = null;
        }
    }
}
