package dev.beian.gateway.proxy;

import dev.beian.decision.Decision;
import dev.beian.gateway.block.Answers;
import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.metrics.Outcome;
import dev.beian.gateway.metrics.UpstreamErrorKind;
import dev.beian.registry.Registry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Decides each request of one client connection and carries it out: the block answer, or a streamed
 * exchange with an upstream. One request at a time: what a pipelining client sends meanwhile waits in a
 * queue (reading pauses while it is non-empty) and is answered in order.
 *
 * <p>Streaming in both directions with no aggregation; backpressure by {@code autoRead}: when the side
 * being written to stops being writable, the side being read stops reading until it drains. The upstream
 * connection lives on this connection's event loop. A connection goes back to the pool only when both the
 * request and the response completed and both sides allow keep-alive; otherwise it is closed.
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter {
    /** Fired by the gateway into every client pipeline when draining starts. */
    static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "ProxyHandler.DRAIN";
        }
    };

    private static final String VIA = "1.1 beian-gateway";
    /** Body bytes of a blocked request read and dropped to keep its connection; past this it is closed. */
    static final long DISCARD_BUDGET = 1 << 20;

    private enum State { IDLE, DISCARD_BODY, FORWARD, TUNNEL, CLOSING }

    private final ProxyContext context;
    private final HeaderReadTimeout headerTimeout;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private Exchange exchange;
    private boolean closeAfterExchange;
    private long discardBudget;
    private String clientAddress;

    /** Time the client was not read because of the gateway (upstream slower, queue full), for the body rate. */
    private long pausedNanos;
    private long pausedSince;

    ProxyHandler(ProxyContext context, HeaderReadTimeout headerTimeout) {
        this.context = context;
        this.headerTimeout = headerTimeout;
    }

    /** Stops reading the client; the time it stays stopped is not held against its body rate. */
    private void pauseClient() {
        if (pausedSince == 0) {
            pausedSince = System.nanoTime() | 1; // never 0 while paused
        }
        ctx.channel().config().setAutoRead(false);
    }

    private void resumeClient() {
        if (pausedSince != 0) {
            pausedNanos += System.nanoTime() - pausedSince;
            pausedSince = 0;
        }
        ctx.channel().config().setAutoRead(true);
    }

    /** Total time the client was paused by the gateway, up to now. */
    private long pausedNanos(long now) {
        return pausedNanos + (pausedSince == 0 ? 0 : now - pausedSince);
    }

    /** The client's address, read once per connection (after the PROXY header, when there is one). */
    private String client() {
        if (clientAddress == null) {
            clientAddress = ClientAddress.of(ctx.channel());
        }
        return clientAddress;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    // ---------------------------------------------------------------- client events

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.TUNNEL) {
            exchange.tunnelToUpstream(msg);
            return;
        }
        if (!queued.isEmpty() || !acceptsNow(msg)) {
            queued.add(msg);
            pauseClient();
            return;
        }
        dispatch(msg);
    }

    /** True when {@code msg} belongs to the request in progress, or starts one while none is. */
    private boolean acceptsNow(Object msg) {
        return switch (state) {
            case IDLE -> true;
            case DISCARD_BODY -> true;
            case FORWARD -> !exchange.requestComplete;
            default -> false;
        };
    }

    private void dispatch(Object msg) {
        if (msg instanceof FramingViolation violation) {
            onViolation(violation);
        } else if (msg instanceof HttpRequest request) {
            if (state != State.IDLE) { // a new head while a body is pending cannot happen with a sane decoder
                ReferenceCountUtil.release(msg);
                closeNow();
                return;
            }
            onRequest(request);
        } else if (msg instanceof HttpContent content) {
            onContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void drainQueue() {
        while (!queued.isEmpty() && state != State.CLOSING && state != State.TUNNEL && acceptsNow(queued.peek())) {
            dispatch(queued.poll());
        }
        if (exchange != null && exchange.upstream != null) {
            exchange.upstream.flush(); // what the queue held was a batch of its own
        }
        if (queued.isEmpty() && state != State.CLOSING && ctx.channel().isActive()) {
            boolean upstreamBlocked = state == State.FORWARD && exchange.upstream != null && !exchange.upstream.isWritable();
            if (!upstreamBlocked) {
                resumeClient();
                ctx.read();
            }
        }
    }

    /**
     * Request bytes go to the upstream unflushed while a read batch is decoded and are flushed here, at its
     * end: one syscall per batch, and a framing error later in the same batch (a bad chunk right behind the
     * head) closes the upstream connection before anything of that request has left the gateway.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null && exchange.upstream != null) {
            exchange.upstream.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null && exchange.upstream != null && (state == State.FORWARD || state == State.TUNNEL)) {
            exchange.upstream.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HeaderReadTimeout.EXPIRED) {
            if (state == State.IDLE && queued.isEmpty()) {
                localFailure(HttpResponseStatus.REQUEST_TIMEOUT);
            }
        } else if (evt instanceof IdleStateEvent) {
            // Nothing read or written for timeouts.idle: between requests, or in the middle of a request
            // body the client stopped sending. Waiting for the upstream is the response timeout's business.
            // A client we paused (the upstream reads its body slower than it sends) is not to blame either.
            boolean waitingForUpstream = state == State.FORWARD
                    && (exchange.requestComplete || !ctx.channel().config().isAutoRead());
            if (state == State.IDLE && queued.isEmpty() || state == State.DISCARD_BODY) {
                closeNow();
            } else if (waitingForUpstream && exchange.responseStarted && exchange.requestComplete) {
                // The upstream began its answer and then went silent for timeouts.idle: cut it short, as
                // nginx's proxy_read_timeout does; the client sees the connection end, never a short success.
                Exchange ex = exchange;
                exchange = null;
                context.metrics().upstreamError(ex.upstream0.name, UpstreamErrorKind.TIMEOUT);
                ex.finish(Outcome.UPSTREAM_TIMEOUT, ex.status);
                ex.abandon();
                closeNow();
            } else if (state == State.FORWARD && !waitingForUpstream) {
                exchange.bodyTimedOut();
            }
        } else if (evt == DRAIN) {
            if (state == State.IDLE && queued.isEmpty()) {
                closeNow();
            } else {
                closeAfterExchange = true;
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSING;
        if (exchange != null) {
            // SPEC §7: a client gone mid-exchange is counted and logged (499, as nginx does) and its upstream
            // connection is closed, never pooled half-used. An exchange that already ended is not counted twice.
            exchange.finish(Outcome.CLIENT_ABORT, 499);
            exchange.abandon();
        }
        releaseQueued();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An I/O error on the client socket (reset, broken pipe): nothing to answer, nobody to tell.
        closeNow();
    }

    private void releaseQueued() {
        Object msg;
        while ((msg = queued.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    // ---------------------------------------------------------------- deciding

    private void onRequest(HttpRequest request) {
        long start = System.nanoTime();
        headerTimeout.headReceived();
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !context.draining() && !closeAfterExchange;
        boolean expectContinue = HttpUtil.is100ContinueExpected(request);
        String client = client();
        if (request.method().equals(HttpMethod.CONNECT)) {
            badRequest(request, client, null, HttpResponseStatus.METHOD_NOT_ALLOWED, start);
            return;
        }
        Authority authority;
        try {
            authority = Authority.of(request);
        } catch (Authority.BadAuthority e) {
            badRequest(request, client, null, HttpResponseStatus.BAD_REQUEST, start);
            return;
        }
        if (context.config().limits().underscores() == GatewayConfig.Underscores.REJECT
                && UpstreamRequestHead.hasUnderscoreName(request.headers())) {
            badRequest(request, client, authority == null ? null : authority.value(), HttpResponseStatus.BAD_REQUEST,
                    start);
            return;
        }
        Registry registry = context.registry().current();
        if (authority == null) { // HTTP/1.0 without Host: nothing filed can match; logged and shown as "-"
            block(request, client, null, dev.beian.decision.BlockReason.UNFILED, keepAlive, expectContinue, start);
            return;
        }
        Decision decision = context.decider().decide(registry, authority.value());
        switch (decision.verdict()) {
            case INVALID_HOST -> badRequest(request, client, authority.value(), HttpResponseStatus.BAD_REQUEST, start);
            case BLOCK -> block(request, client, decision.normalizedHost(), decision.reason(), keepAlive,
                    expectContinue, start);
            case FORWARD -> forward(request, client, authority, decision, keepAlive, expectContinue, start);
        }
    }

    private void badRequest(HttpRequest request, String client, String host, HttpResponseStatus status, long start) {
        context.metrics().request(Outcome.BAD_REQUEST, start);
        context.accessLog().request(client, host, request.method().name(), request.uri(), status.code(),
                Outcome.BAD_REQUEST.label(), null, start);
        ReferenceCountUtil.release(request);
        answerAndClose(Answers.of(status, Outcome.BAD_REQUEST.label(), false));
    }

    private void block(HttpRequest request, String client, String host, dev.beian.decision.BlockReason reason,
                       boolean keepAlive, boolean expectContinue, long start) {
        Outcome outcome = Outcome.of(reason);
        // A blocked request that expects 100 gets its answer at once and its body is never read; one whose
        // body is large is told the connection closes, since reading megabytes only to drop them helps nobody.
        long length = HttpUtil.getContentLength(request, -1L);
        boolean largeBody = length > DISCARD_BUDGET || length < 0 && HttpUtil.isTransferEncodingChunked(request);
        boolean keep = keepAlive && !expectContinue && !largeBody;
        FullHttpResponse answer = context.blockAnswers().answer(reason, host == null ? "-" : host, keep);
        if (keep && request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE); // 1.0 closes otherwise
        }
        context.metrics().request(outcome, start);
        context.accessLog().request(client, host, request.method().name(), request.uri(),
                answer.status().code(), outcome.label(), null, start);
        ReferenceCountUtil.release(request);
        if (!keep && !largeBody) {
            answerAndClose(answer);
            return;
        }
        ctx.writeAndFlush(answer);
        closeAfterExchange |= !keep;
        discardBudget = DISCARD_BUDGET;
        state = State.DISCARD_BODY; // until the request's last content, which the decoder always emits
    }

    private void onContent(HttpContent content) {
        if (state == State.DISCARD_BODY) {
            boolean last = content instanceof LastHttpContent;
            discardBudget -= content.content().readableBytes();
            content.release();
            if (discardBudget < 0 && !last) {
                closeNow(); // the answer is out (flushed before close); the rest of the body is not worth reading
                return;
            }
            if (last) {
                if (closeAfterExchange) {
                    closeNow();
                    return;
                }
                state = State.IDLE;
                headerTimeout.awaitNextHead();
                drainQueue();
            }
        } else if (state == State.FORWARD) {
            exchange.requestContent(content);
        } else {
            content.release();
        }
    }

    private void onViolation(FramingViolation violation) {
        if (state == State.DISCARD_BODY) {
            closeNow(); // a bad chunk in a blocked request's body: its answer is out already
            return;
        }
        if (exchange != null) {
            // A bad chunk in a body being forwarded: the upstream has part of a request; it must not be reused.
            Exchange ex = exchange;
            exchange = null;
            ex.finish(Outcome.BAD_REQUEST, ex.responseStarted ? ex.status : violation.status().code());
            ex.abandon();
            if (ex.responseStarted) {
                closeNow();
                return;
            }
            answerAndClose(Answers.of(violation.status(), Outcome.BAD_REQUEST.label(), false));
            return;
        }
        localFailure(violation.status());
    }

    /**
     * A head that never became a request (malformed, too large, too slow): counted and logged from the
     * head's first byte, with what little is known of it, then answered and closed.
     */
    private void localFailure(HttpResponseStatus status) {
        long start = headerTimeout.headStartedAt();
        context.metrics().request(Outcome.BAD_REQUEST, start);
        context.accessLog().request(client(), null, "-", "-", status.code(), Outcome.BAD_REQUEST.label(), null, start);
        answerAndClose(Answers.of(status, Outcome.BAD_REQUEST.label(), false));
    }

    private void answerAndClose(FullHttpResponse response) {
        state = State.CLOSING;
        releaseQueued();
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeNow() {
        state = State.CLOSING;
        releaseQueued();
        ctx.close();
    }

    // ---------------------------------------------------------------- forwarding

    private void forward(HttpRequest request, String client, Authority authority, Decision decision,
                         boolean keepAlive, boolean expectContinue, long start) {
        Upstreams.Upstream upstream = context.upstreams().get(decision.upstream());
        if (upstream == null) { // the registry names an upstream the config lacks: validation prevents it
            context.metrics().request(Outcome.UPSTREAM_ERROR, start);
            ReferenceCountUtil.release(request);
            answerAndClose(Answers.of(HttpResponseStatus.BAD_GATEWAY, Outcome.UPSTREAM_ERROR.label(), false));
            return;
        }
        Exchange ex = new Exchange(request, client, authority, upstream, keepAlive, start);
        exchange = ex;
        state = State.FORWARD;
        if (expectContinue) {
            // Like nginx, the gateway answers 100 itself once it has decided to forward: the decision is what
            // a client waits for, and upstreams that never send 100 would otherwise stall the client.
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        ex.startBodyClock();
        if (ex.bufferBodyFirst()) {
            ex.buffering = true; // the body is read on; connect() once it is whole or outgrows the buffer
            return;
        }
        pauseClient(); // until the upstream connection is there
        ex.connect();
    }

    /** Bytes queued on {@code ch} that the socket has not taken yet. */
    private static long pendingWriteBytes(Channel ch) {
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** RFC 9110 §7.6.3: each intermediary adds itself to Via, in both directions. */
    private static void appendVia(HttpHeaders h) {
        String via = h.get(HttpHeaderNames.VIA);
        h.set(HttpHeaderNames.VIA, via == null ? VIA : via + ", " + VIA);
    }

    /** The exchange in progress ended; decide what the client connection does next. */
    private void exchangeDone(Exchange ex, ChannelFuture lastWrite) {
        if (exchange != ex) {
            return;
        }
        exchange = null;
        if (!ex.clientKeepAlive || closeAfterExchange || context.draining()) {
            state = State.CLOSING;
            releaseQueued();
            lastWrite.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!ex.requestComplete) {
            discardBudget = DISCARD_BUDGET;
            state = State.DISCARD_BODY; // the upstream answered before the body ended; drop the rest
        } else {
            state = State.IDLE;
            headerTimeout.awaitNextHead();
        }
        drainQueue();
    }

    /** One request forwarded to one upstream connection, and its response. */
    private final class Exchange implements UpstreamListener {
        final HttpRequest request;
        final String client;
        final Authority authority;
        final Upstreams.Upstream upstream0;
        final InetSocketAddress address;
        final long start;
        final String method;
        final String path;
        final boolean clientHttp10;
        final boolean chunked;
        final long declaredLength;
        final boolean websocket;
        boolean clientKeepAlive;
        boolean finished;
        /** Reading the body into pendingBody before taking a connection ({@code limits.request-buffer}). */
        boolean buffering;
        /** The last request byte was written to the upstream: the response timer runs. */
        boolean requestWritten;
        BodyRate bodyRate;
        ScheduledFuture<?> bodyTimer;
        boolean requestComplete;
        boolean responseStarted;
        boolean upstreamKeepAlive;
        boolean inInformational;
        boolean reused;
        boolean retried;
        long bodyBytes;
        boolean abandoned;
        int status;
        Channel upstream;
        ArrayDeque<HttpContent> pendingBody;
        ScheduledFuture<?> responseTimer;

        Exchange(HttpRequest request, String client, Authority authority, Upstreams.Upstream upstream,
                 boolean keepAlive, long start) {
            this.request = request;
            this.client = client;
            this.authority = authority;
            this.upstream0 = upstream;
            this.address = upstream.pick();
            this.clientKeepAlive = keepAlive;
            this.start = start;
            this.method = request.method().name();
            this.path = request.uri();
            this.clientHttp10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
            this.chunked = HttpUtil.isTransferEncodingChunked(request);
            this.declaredLength = chunked ? -1 : HttpUtil.getContentLength(request, -1L);
            this.websocket = request.method().equals(HttpMethod.GET)
                    && "websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))
                    && HopByHop.connectionHas(request.headers(), "upgrade");
        }

        /** A body that fits {@code limits.request-buffer} is read whole before a connection is taken. */
        boolean bufferBodyFirst() {
            int limit = context.config().limits().requestBuffer();
            return chunked ? limit > 0 : declaredLength > 0 && declaredLength <= limit;
        }

        /**
         * The head for the upstream, written now that the body's framing is known: a body read whole is sent
         * with the length the gateway counted; one still arriving keeps the client's kind of framing, in
         * the gateway's own words.
         */
        private HttpRequest upstreamHead() {
            UpstreamRequestHead.Framing framing;
            if (chunked) { // the whole body is in pendingBody when the request completed before the connection
                framing = requestComplete ? UpstreamRequestHead.Framing.length(bodyBytes)
                        : UpstreamRequestHead.Framing.CHUNKED;
            } else {
                framing = declaredLength >= 0 ? UpstreamRequestHead.Framing.length(declaredLength)
                        : UpstreamRequestHead.Framing.NONE; // RFC 9112 §6.3: a request without either has no body
            }
            return UpstreamRequestHead.of(request, authority, client, framing, context.config().limits().underscores(),
                    websocket);
        }

        void connect() {
            boolean[] reusedFlag = new boolean[1];
            Future<Channel> future = retried
                    ? context.pool(ctx.channel().eventLoop()).connect(address)
                    : context.pool(ctx.channel().eventLoop()).acquire(address, reusedFlag);
            reused = reusedFlag[0];
            if (future.isDone()) {
                connected(future, false); // inside a read batch: channelReadComplete flushes
            } else {
                future.addListener(f -> connected(future, true));
            }
        }

        private void connected(Future<Channel> future, boolean flush) {
            if (abandoned || exchange != this) {
                if (future.isSuccess()) {
                    future.getNow().close();
                }
                return;
            }
            if (!future.isSuccess()) {
                context.metrics().upstreamError(upstream0.name, UpstreamErrorKind.CONNECT);
                failBeforeResponse(Outcome.UPSTREAM_ERROR, HttpResponseStatus.BAD_GATEWAY);
                return;
            }
            upstream = future.getNow();
            upstream.pipeline().get(UpstreamHandler.class).bind(this);
            upstream.config().setAutoRead(true);
            Channel ch = upstream;
            ChannelFuture write = upstream.write(upstreamHead());
            if (pendingBody != null) {
                HttpContent piece;
                while ((piece = pendingBody.poll()) != null) {
                    write = upstream.write(piece);
                }
                pendingBody = null;
            }
            if (flush) {
                upstream.flush();
            }
            write.addListener(f -> afterWrite(ch, f));
            if (requestComplete) {
                armResponseTimer(write);
            }
            resumeClientReading();
        }

        private void resumeClientReading() {
            if (state != State.FORWARD || exchange != this || requestComplete) {
                if (requestComplete && exchange == this) {
                    drainQueue(); // pipelined requests wait in the queue; reading resumes once it empties
                }
                return;
            }
            if (upstream != null && upstream.isWritable()) {
                resumeClient();
                ctx.read();
            }
        }

        void requestContent(HttpContent content) {
            if (content instanceof LastHttpContent last) {
                requestComplete = true;
                cancelBodyTimer();
                if (!last.trailingHeaders().isEmpty()) {
                    last.trailingHeaders().clear(); // request trailers are not passed on (see README)
                }
            }
            bodyBytes += content.content().readableBytes();
            if (upstream == null) {
                if (pendingBody == null) {
                    pendingBody = new ArrayDeque<>(4);
                }
                pendingBody.add(content);
                if (buffering && (requestComplete || bodyBytes > context.config().limits().requestBuffer())) {
                    buffering = false;
                    if (!requestComplete) {
                        pauseClient(); // until the upstream connection is there
                    }
                    connect();
                }
                return;
            }
            Channel ch = upstream;
            ChannelFuture write = upstream.write(content); // flushed at the end of the read batch
            write.addListener(f -> afterWrite(ch, f));
            if (requestComplete) {
                armResponseTimer(write);
            } else if (!upstream.isWritable()) {
                pauseClient(); // upstream is slower than the client: pause
            }
        }

        private void afterWrite(Channel ch, Future<? super Void> f) {
            if (!f.isSuccess() && !abandoned && exchange == this && ch == upstream) {
                upstreamFailed(f.cause());
            }
        }

        /**
         * A pooled connection the upstream had already closed (its keep-alive timeout, a restart during a
         * deploy) fails before any answer. A request without a body that is safe to repeat is then sent once
         * more, on a new connection, as nginx and HAProxy do; the client never sees the stale connection.
         */
        private boolean retryOnFreshConnection() {
            boolean idempotent = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD)
                    || request.method().equals(HttpMethod.OPTIONS);
            if (!reused || retried || !requestComplete || bodyBytes > 0 || responseStarted || !idempotent
                    || websocket) {
                return false;
            }
            retried = true;
            cancelResponseTimer();
            UpstreamHandler handler = upstream.pipeline().get(UpstreamHandler.class);
            if (handler != null) {
                handler.unbind();
            }
            upstream.close();
            upstream = null;
            pendingBody = new ArrayDeque<>(1);
            pendingBody.add(LastHttpContent.EMPTY_LAST_CONTENT);
            connect();
            return true;
        }

        /** {@code limits.min-body-rate}: from the head on, checked once a second while a body arrives. */
        void startBodyClock() {
            long rate = context.config().limits().minBodyRate();
            if (rate <= 0 || !chunked && declaredLength <= 0) {
                return;
            }
            long now = System.nanoTime();
            bodyRate = new BodyRate(rate, context.config().headerTimeout().toNanos(), now, pausedNanos(now));
            bodyTimer = ctx.executor().schedule(this::checkBodyRate, 1, TimeUnit.SECONDS);
        }

        private void checkBodyRate() {
            bodyTimer = null;
            if (abandoned || exchange != this || requestComplete) {
                return;
            }
            long now = System.nanoTime();
            if (bodyRate.tooSlow(now, pausedNanos(now), bodyBytes)) {
                bodyTimedOut();
                return;
            }
            bodyTimer = ctx.executor().schedule(this::checkBodyRate, 1, TimeUnit.SECONDS);
        }

        private void cancelBodyTimer() {
            if (bodyTimer != null) {
                bodyTimer.cancel(false);
                bodyTimer = null;
            }
        }

        /**
         * The client's body stopped arriving ({@code timeouts.idle}) or arrives slower than
         * {@code limits.min-body-rate}: 408 and close; half a request never stays on an upstream connection.
         */
        void bodyTimedOut() {
            exchange = null;
            abandon();
            finish(Outcome.BAD_REQUEST, responseStarted ? status : 408);
            if (responseStarted) {
                closeNow();
            } else {
                answerAndClose(Answers.of(HttpResponseStatus.REQUEST_TIMEOUT, Outcome.BAD_REQUEST.label(), false));
            }
        }

        /**
         * The upstream connection saw no traffic for {@code timeouts.idle}. While request bytes wait to be
         * written, the upstream has stopped reading the body: the exchange ends (504 before an answer), the
         * client is not left paused forever. Waiting for the answer is the response timer's business.
         */
        @Override
        public void upstreamIdle() {
            if (abandoned || exchange != this || state != State.FORWARD || requestWritten || upstream == null
                    || pendingWriteBytes(upstream) == 0) {
                return;
            }
            context.metrics().upstreamError(upstream0.name, UpstreamErrorKind.TIMEOUT);
            if (responseStarted) {
                finish(Outcome.UPSTREAM_TIMEOUT, status);
                abandon();
                closeNow();
            } else {
                failBeforeResponse(Outcome.UPSTREAM_TIMEOUT, HttpResponseStatus.GATEWAY_TIMEOUT);
            }
        }

        /** SPEC §7: the response timeout runs from the last request byte written. */
        private void armResponseTimer(ChannelFuture lastWrite) {
            lastWrite.addListener(f -> {
                if (f.isSuccess()) {
                    requestWritten = true;
                }
                if (f.isSuccess() && !responseStarted && !abandoned && responseTimer == null) {
                    responseTimer = ctx.executor().schedule(this::responseTimedOut,
                            context.config().responseTimeout().toNanos(), TimeUnit.NANOSECONDS);
                }
            });
        }

        private void responseTimedOut() {
            responseTimer = null;
            if (responseStarted || abandoned || exchange != this) {
                return;
            }
            context.metrics().upstreamError(upstream0.name, UpstreamErrorKind.TIMEOUT);
            failBeforeResponse(Outcome.UPSTREAM_TIMEOUT, HttpResponseStatus.GATEWAY_TIMEOUT);
        }

        private void cancelResponseTimer() {
            if (responseTimer != null) {
                responseTimer.cancel(false);
                responseTimer = null;
            }
        }

        // ------------------------------------------------------------ upstream events

        @Override
        public void upstreamRead(Object msg) {
            if (abandoned || exchange != this) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (state == State.TUNNEL) {
                if (!(msg instanceof ByteBuf)) { // the empty last content after the 101 head
                    ReferenceCountUtil.release(msg);
                    return;
                }
                ctx.writeAndFlush(msg).addListener(this::afterClientWrite);
                if (!ctx.channel().isWritable()) {
                    upstream.config().setAutoRead(false);
                }
                return;
            }
            if (msg instanceof io.netty.handler.codec.http.HttpObject object && object.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg); // a response we cannot frame: never pass it on
                upstreamClosed();
                return;
            }
            if (msg instanceof HttpResponse response) {
                onResponseHead(response);
                if (msg instanceof HttpContent content && state == State.FORWARD) {
                    onResponseContent(content);
                }
            } else if (msg instanceof HttpContent content) {
                onResponseContent(content);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private void onResponseHead(HttpResponse response) {
            HttpResponseStatus s = response.status();
            if (s.codeClass() == HttpStatusClass.INFORMATIONAL && s.code() != 101) {
                inInformational = true; // 1xx before the final answer are not passed on; the LastHttpContent follows
                return;
            }
            cancelResponseTimer();
            responseStarted = true;
            status = s.code();
            if (s.code() == 101) {
                if (websocket && "websocket".equalsIgnoreCase(response.headers().get(HttpHeaderNames.UPGRADE))) {
                    startTunnel(response);
                } else { // an upgrade we never asked for: not a protocol we can follow
                    context.metrics().upstreamError(upstream0.name, UpstreamErrorKind.RESET);
                    responseStarted = false;
                    failBeforeResponse(Outcome.UPSTREAM_ERROR, HttpResponseStatus.BAD_GATEWAY);
                }
                return;
            }
            upstreamKeepAlive = HttpUtil.isKeepAlive(response);
            HttpHeaders h = response.headers();
            boolean chunked = HttpUtil.isTransferEncodingChunked(response);
            long length = chunked ? -1 : HttpUtil.getContentLength(response, -1L);
            boolean hasLength = length >= 0;
            boolean noBody = request.method().equals(HttpMethod.HEAD) || s.code() == 204 || s.code() == 304;
            HopByHop.strip(h);
            // Framing is the gateway's own in this direction too: a Connection token of the upstream's cannot
            // remove it, and the length is written as the decoder read it.
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            if (hasLength) {
                h.set(HttpHeaderNames.CONTENT_LENGTH, length);
            }
            if (chunked && !noBody) {
                if (clientHttp10) { // HTTP/1.0 has no chunked coding: delimit by closing
                    clientKeepAlive = false;
                } else {
                    h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                }
            } else if (!hasLength && !noBody) { // delimited by the upstream closing: re-frame for the client
                if (clientHttp10) {
                    clientKeepAlive = false;
                } else {
                    h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                }
            }
            appendVia(h);
            if (!clientKeepAlive || closeAfterExchange || context.draining()) {
                clientKeepAlive = false;
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (clientHttp10) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            response.setProtocolVersion(HttpVersion.HTTP_1_1);
            ctx.write(response);
        }

        private void onResponseContent(HttpContent content) {
            if (inInformational) {
                boolean last = content instanceof LastHttpContent;
                content.release();
                if (last) {
                    inInformational = false;
                }
                return;
            }
            boolean last = content instanceof LastHttpContent;
            if (last && content instanceof LastHttpContent lastContent && !lastContent.trailingHeaders().isEmpty()) {
                lastContent.trailingHeaders().clear(); // trailers are hop-by-hop here (RFC 9110 §6.5)
            }
            ChannelFuture write = ctx.writeAndFlush(content);
            write.addListener(this::afterClientWrite);
            if (last) {
                responseComplete(write);
            } else if (!ctx.channel().isWritable()) {
                upstream.config().setAutoRead(false); // client is slower than the upstream: pause
            }
        }

        private void afterClientWrite(Future<? super Void> f) {
            if (!f.isSuccess()) {
                closeNow();
            }
        }

        private void responseComplete(ChannelFuture lastWrite) {
            finish(Outcome.FORWARDED, status);
            UpstreamHandler handler = upstream.pipeline().get(UpstreamHandler.class);
            if (upstreamKeepAlive && requestComplete && upstream.isActive() && handler != null) {
                handler.unbind();
                context.pool(ctx.channel().eventLoop()).release(upstream, address);
            } else {
                if (handler != null) {
                    handler.unbind();
                }
                upstream.close();
            }
            upstream = null;
            exchangeDone(this, lastWrite);
        }

        @Override
        public void upstreamWritabilityChanged(boolean writable) {
            if (state == State.FORWARD && !requestComplete || state == State.TUNNEL) {
                if (writable && queued.isEmpty()) {
                    resumeClient();
                    ctx.read();
                } else if (!writable) {
                    pauseClient();
                }
            }
        }

        @Override
        public void upstreamClosed() {
            if (abandoned || exchange != this) {
                return;
            }
            if (state == State.TUNNEL) {
                exchange = null;
                state = State.CLOSING;
                ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (retryOnFreshConnection()) {
                return;
            }
            context.metrics().upstreamError(upstream0.name, UpstreamErrorKind.RESET);
            if (responseStarted) { // cut short: the client must see the connection end, not a truncated success
                finish(Outcome.UPSTREAM_ERROR, status);
                abandon();
                closeNow();
            } else {
                failBeforeResponse(Outcome.UPSTREAM_ERROR, HttpResponseStatus.BAD_GATEWAY);
            }
        }

        @Override
        public void upstreamFailed(Throwable cause) {
            if (abandoned || exchange != this) {
                return;
            }
            if (cause instanceof ConnectException) {
                context.metrics().upstreamError(upstream0.name, UpstreamErrorKind.CONNECT);
                failBeforeResponse(Outcome.UPSTREAM_ERROR, HttpResponseStatus.BAD_GATEWAY);
                return;
            }
            upstreamClosed();
        }

        /** The request ended: counted once, logged once, however it ended. */
        void finish(Outcome outcome, int answerStatus) {
            if (finished) {
                return;
            }
            finished = true;
            context.metrics().request(outcome, start);
            context.accessLog().request(client, authority.value(), method, path, answerStatus, outcome.label(),
                    upstream0.name, start);
        }

        /** The upstream failed before a response head: answer 502/504 ourselves. */
        private void failBeforeResponse(Outcome outcome, HttpResponseStatus answerStatus) {
            finish(outcome, answerStatus.code());
            boolean keep = clientKeepAlive && requestComplete && !closeAfterExchange && !context.draining();
            abandon();
            exchange = null;
            FullHttpResponse answer = Answers.of(answerStatus, outcome.label(), keep);
            if (!keep) {
                answerAndClose(answer);
                return;
            }
            ChannelFuture write = ctx.writeAndFlush(answer);
            state = State.IDLE;
            headerTimeout.awaitNextHead();
            write.addListener(f -> drainQueue());
        }

        /** The client went away or the exchange failed: the upstream connection is closed, never pooled. */
        void abandon() {
            if (abandoned) {
                return;
            }
            abandoned = true;
            cancelResponseTimer();
            cancelBodyTimer();
            if (pendingBody != null) {
                HttpContent piece;
                while ((piece = pendingBody.poll()) != null) {
                    piece.release();
                }
            }
            if (upstream != null) {
                UpstreamHandler handler = upstream.pipeline().get(UpstreamHandler.class);
                if (handler != null) {
                    handler.unbind();
                }
                upstream.close();
                upstream = null;
            }
        }

        // ------------------------------------------------------------ websocket

        private void startTunnel(HttpResponse response) {
            HttpHeaders h = response.headers();
            HopByHop.strip(h);
            h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            appendVia(h);
            ctx.writeAndFlush(response);
            inInformational = true; // swallow the LastHttpContent that follows the 101 head
            state = State.TUNNEL;
            finish(Outcome.FORWARDED, 101);
            // From here on both connections carry bytes, not HTTP.
            ClientPipeline.becomeTunnel(ctx.pipeline());
            if (upstream.pipeline().get(UpstreamPool.CODEC) != null) {
                upstream.pipeline().remove(UpstreamPool.CODEC);
            }
            if (upstream.pipeline().get("idle") != null) {
                upstream.pipeline().remove("idle");
            }
            drainQueueIntoTunnel();
            resumeClient();
            ctx.read();
        }

        private void drainQueueIntoTunnel() {
            Object msg;
            while ((msg = queued.poll()) != null) {
                tunnelToUpstream(msg);
            }
        }

        void tunnelToUpstream(Object msg) {
            if (upstream == null || !(msg instanceof ByteBuf)) {
                ReferenceCountUtil.release(msg); // HTTP objects decoded before the switch: not websocket bytes
                return;
            }
            upstream.writeAndFlush(msg);
            if (!upstream.isWritable()) {
                pauseClient();
            }
        }
    }
}
