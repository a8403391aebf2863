package dev.beian.gateway.proxy;

import dev.beian.gateway.block.Answers;
import dev.beian.gateway.metrics.Outcome;
import dev.beian.gateway.metrics.UpstreamErrorKind;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetSocketAddress;

/**
 * One forwarded request, upstream-facing (SPEC §7): the head ({@link UpstreamRequestHead}), the body
 * ({@link RequestBody}: read whole first within {@code limits.request-buffer}, or streamed), a connection from
 * this loop's pool, one retry of a bodiless safe request on a stale pooled connection, and what the upstream
 * connection does (closes, fails, times out, stalls). The answer is the {@link ResponseRelay}'s, the client's
 * side {@link Forwarding}'s. Request bytes are flushed once per client read batch ({@link #flush}), so a
 * framing error later in the same batch closes the connection before any of that request left.
 */
final class UpstreamExchange implements UpstreamListener {
    private final RequestReceiver receiver;
    private final ProxyContext context;
    final RequestRecord record;
    final HttpRequest request;
    private final Authority authority;
    final Upstreams.Upstream upstream;
    private final RequestBody body;
    final boolean websocket;
    final boolean clientKeepAlive;
    private final ResponseRelay relay;
    private boolean requestWritten;
    private boolean buffering;
    private boolean retried;
    private boolean ended;
    private final Cycle cycle; // the client connection's view of this exchange, told when it is done
    UpstreamConnection connection;

    UpstreamExchange(RequestReceiver receiver, Cycle cycle, RequestRecord record, HttpRequest request,
                     Authority authority, Upstreams.Upstream upstream, boolean keepAlive) {
        this.cycle = cycle;
        this.receiver = receiver;
        this.context = receiver.context;
        this.record = record;
        this.request = request;
        this.authority = authority;
        this.upstream = upstream;
        this.clientKeepAlive = keepAlive;
        this.body = new RequestBody(request);
        this.websocket = Tunnel.requested(request);
        this.relay = new ResponseRelay(receiver, this);
        record.upstream(upstream.name);
    }

    /** Takes a connection now, or once the body is whole when it is to be read whole first. */
    void start() {
        buffering = body.readWholeFirst(context.config.limits().requestBuffer());
        if (!buffering) {
            connect(true);
        }
    }

    /** More of the request's body: written to the connection, or held until there is one. */
    void send(HttpContent content) {
        body.arrived(content);
        if (connection == null) {
            body.hold(content);
            if (buffering && (body.complete() || body.bytes() > context.config.limits().requestBuffer())) {
                buffering = false;
                connect(true);
            } else if (!buffering && body.heldBytes() > ProxyContext.WATER_MARK.high()) {
                receiver.flow.hold(FlowControl.CONNECTING);
            }
            return;
        }
        written(connection.write(content));
    }

    RequestBody body() {
        return body;
    }

    boolean isEnded() {
        return ended;
    }

    /** At the end of a client read batch. */
    void flush() {
        if (connection != null) {
            connection.flush();
        }
    }

    /**
     * The exchange ends early: answered with {@code status}, or, once the answer had begun, the client connection
     * closed, so that a client never takes a cut-short answer for a success. Half a request never stays on an
     * upstream connection. Ended by the client's side (a malformed or stalled body), the connection closes.
     */
    void end(Outcome outcome, HttpResponseStatus status) {
        if (relay.started()) {
            record.complete(outcome, relay.status());
            abandon();
            receiver.closeNow();
        } else {
            fail(outcome, status);
        }
    }

    /** {@code inClientRead}: called while a client read batch is decoded, whose end flushes. */
    private void connect(boolean inClientRead) {
        UpstreamConnector connector = context.connector(receiver.ctx.channel().eventLoop());
        InetSocketAddress address = upstream.pick(); // a retry may go to the next address
        Future<UpstreamConnection> future = retried ? connector.connect(address) : connector.acquire(address);
        if (future.isDone()) {
            connected(future, !inClientRead);
        } else {
            future.addListener(f -> connected(future, true));
        }
    }

    private void connected(Future<UpstreamConnection> future, boolean flush) {
        if (ended) {
            if (future.isSuccess()) {
                future.getNow().discard();
            }
            return;
        }
        if (!future.isSuccess()) {
            connectFailed();
            return;
        }
        connection = future.getNow();
        connection.bind(this);
        receiver.flow.bind(connection.channel());
        EncodedHead head = UpstreamRequestHead.of(request, authority, record.client(), receiver.https, body.framing(),
                context.config.limits().underscores(), websocket, connection.channel().alloc());
        ChannelFuture write = body.writeHeld(connection, connection.write(head));
        receiver.flow.release(FlowControl.CONNECTING);
        if (flush) {
            connection.flush();
        }
        written(write);
    }

    /**
     * Watches a write to the upstream: a failure ends the exchange; after the last request byte the response
     * timeout starts (SPEC §7), on the upstream connection.
     */
    private void written(ChannelFuture write) {
        UpstreamConnection c = connection;
        boolean last = body.complete();
        write.addListener(f -> {
            if (ended || c != connection) {
                return;
            }
            if (!f.isSuccess()) {
                upstreamFailed(f.cause());
            } else if (last) {
                requestWritten = true;
                if (!relay.started()) {
                    c.armResponseTimeout(context.config.timeouts().response().toNanos());
                }
            }
        });
    }

    /**
     * A pooled connection the upstream had already closed (its keep-alive timeout, a restart during a
     * deploy) fails before any answer. A request without a body that is safe to repeat is then sent once
     * more, on a new connection, as nginx and HAProxy do; the client never sees the stale connection.
     */
    private boolean retryOnFreshConnection() {
        HttpMethod m = request.method();
        boolean idempotent = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS);
        if (!connection.reused() || retried || !body.complete() || body.bytes() > 0 || relay.started() || !idempotent
                || websocket) {
            return false;
        }
        retried = true;
        requestWritten = false;
        connection.discard();
        connection = null;
        receiver.flow.unbind();
        body.holdEndAgain();
        connect(false); // from an upstream event: nothing else will flush
        return true;
    }

    @Override
    public void upstreamRead(Object msg) {
        relay.upstreamRead(msg);
    }

    @Override
    public void upstreamWritabilityChanged() {
        receiver.flow.upstreamWritabilityChanged();
    }

    @Override
    public void upstreamClosed() {
        if (ended || retryOnFreshConnection()) {
            return;
        }
        context.metrics.upstreamError(upstream.name, UpstreamErrorKind.RESET);
        end(Outcome.UPSTREAM_ERROR, HttpResponseStatus.BAD_GATEWAY);
    }

    @Override
    public void upstreamFailed(Throwable cause) {
        if (ended) {
            return;
        }
        if (cause instanceof ConnectException) {
            connectFailed();
        } else {
            upstreamClosed();
        }
    }

    @Override
    public void upstreamTimedOut() {
        if (!ended && !relay.started()) {
            context.metrics.upstreamError(upstream.name, UpstreamErrorKind.TIMEOUT);
            fail(Outcome.UPSTREAM_TIMEOUT, HttpResponseStatus.GATEWAY_TIMEOUT);
        }
    }

    /**
     * No traffic on the upstream connection for {@code timeouts.idle}. With request bytes still queued for
     * it, the upstream stopped reading the body; with its answer begun, it fell silent mid-answer (cut off,
     * as nginx's proxy_read_timeout does). Either way the exchange ends: 504 before an answer, else a close.
     * Waiting for the answer's head is the response timeout's business.
     */
    @Override
    public void upstreamIdle() {
        if (ended) {
            return;
        }
        boolean stalledUpload = !requestWritten && connection.pendingWriteBytes() > 0;
        if (!stalledUpload && !relay.started()) {
            return;
        }
        context.metrics.upstreamError(upstream.name, UpstreamErrorKind.TIMEOUT);
        end(Outcome.UPSTREAM_TIMEOUT, HttpResponseStatus.GATEWAY_TIMEOUT);
    }

    private void connectFailed() {
        context.metrics.upstreamError(upstream.name, UpstreamErrorKind.CONNECT);
        fail(Outcome.UPSTREAM_ERROR, HttpResponseStatus.BAD_GATEWAY);
    }

    /** Before a response head: the gateway answers itself (502, 504, 400, 408), keeping the connection if it can. */
    void fail(Outcome outcome, HttpResponseStatus status) {
        record.complete(outcome, status.code());
        boolean keep = clientKeepAlive && body.complete() && receiver.mayKeepAlive();
        abandon();
        FullHttpResponse answer = Answers.of(status, outcome.label(), keep);
        if (!keep) {
            receiver.answerAndClose(answer);
        } else {
            receiver.cycleDone(cycle, receiver.ctx.writeAndFlush(answer), true, false);
        }
    }

    /** The answer is complete: the connection goes back to the pool if both sides allow, and the client goes on. */
    void responseDone(ChannelFuture lastWrite, boolean upstreamKeepAlive, boolean keepClient) {
        ended = true;
        UpstreamConnection c = connection;
        connection = null;
        receiver.flow.unbind();
        if (upstreamKeepAlive && body.complete() && c.isActive()) {
            c.release();
        } else {
            c.discard();
        }
        receiver.cycleDone(cycle, lastWrite, keepClient, !body.complete());
    }

    /** The client went away or the exchange failed: the upstream connection is closed, never pooled. */
    void abandon() {
        if (ended) {
            return;
        }
        ended = true;
        body.discard();
        if (connection != null) {
            connection.discard();
            connection = null;
        }
        receiver.flow.unbind();
    }

    /** After a 101: the connection leaves the exchange for the tunnel. */
    UpstreamConnection handOver() {
        ended = true;
        UpstreamConnection c = connection;
        connection = null;
        return c;
    }
}
