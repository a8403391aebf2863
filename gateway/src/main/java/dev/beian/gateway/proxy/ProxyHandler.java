package dev.beian.gateway.proxy;

import dev.beian.decision.Decision;
import dev.beian.gateway.block.Answers;
import dev.beian.gateway.metrics.Outcome;
import dev.beian.gateway.metrics.UpstreamErrorKind;
import dev.beian.registry.Registry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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

    ProxyHandler(ProxyContext context, HeaderReadTimeout headerTimeout) {
        this.context = context;
        this.headerTimeout = headerTimeout;
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
            ctx.channel().config().setAutoRead(false);
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
                ctx.channel().config().setAutoRead(true);
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
                context.metrics().request(Outcome.BAD_REQUEST, System.nanoTime());
                answerAndClose(Answers.of(HttpResponseStatus.REQUEST_TIMEOUT, Outcome.BAD_REQUEST.label(), false));
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
                Exchange ex = exchange;
                exchange = null;
                ex.abandon(); // half a request: the upstream connection is closed, never pooled
                ex.finish(Outcome.BAD_REQUEST, ex.responseStarted ? ex.status : 408);
                if (ex.responseStarted) {
                    closeNow();
                } else {
                    answerAndClose(Answers.of(HttpResponseStatus.REQUEST_TIMEOUT, Outcome.BAD_REQUEST.label(), false));
                }
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
        if (clientAddress == null) { // once per connection: the PROXY header, if any, has been read by now
            clientAddress = ClientAddress.of(ctx.channel());
        }
        String client = clientAddress;
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
        Registry registry = context.registry().current();
        if (authority == null) { // HTTP/1.0 without Host: nothing filed can match
            block(request, client, "", dev.beian.decision.BlockReason.UNFILED, keepAlive, expectContinue, start);
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
        FullHttpResponse answer = context.blockAnswers().answer(reason, host, keep);
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
        context.metrics().request(Outcome.BAD_REQUEST, System.nanoTime());
        if (exchange != null) {
            // A bad chunk in a body being forwarded: the upstream has part of a request; it must not be reused.
            Exchange ex = exchange;
            exchange = null;
            ex.abandon();
            if (ex.responseStarted) {
                closeNow();
                return;
            }
        }
        answerAndClose(Answers.of(violation.status(), Outcome.BAD_REQUEST.label(), false));
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
        ex.rewriteRequestHead();
        if (expectContinue) {
            // Like nginx, the gateway answers 100 itself once it has decided to forward: the decision is what
            // a client waits for, and upstreams that never send 100 would otherwise stall the client.
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        ctx.channel().config().setAutoRead(false); // until the upstream connection is there
        ex.connect();
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
        boolean clientKeepAlive;
        boolean websocket;
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
        }

        /** SPEC §7: hop-by-hop fields out, X-Forwarded-*, Via, Host; origin form; HTTP/1.1 to the upstream. */
        void rewriteRequestHead() {
            HttpHeaders h = request.headers();
            boolean chunked = HttpUtil.isTransferEncodingChunked(request);
            websocket = request.method().equals(HttpMethod.GET)
                    && "websocket".equalsIgnoreCase(h.get(HttpHeaderNames.UPGRADE))
                    && HopByHop.connectionHas(h, "upgrade");
            HopByHop.strip(h);
            h.remove(HttpHeaderNames.EXPECT); // answered by the gateway (see forward)
            if (chunked) {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
            if (websocket) {
                h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            }
            if (authority.fromTarget()) {
                h.set(HttpHeaderNames.HOST, authority.value());
                request.setUri(authority.originForm());
            }
            String forwardedFor = h.get("X-Forwarded-For");
            h.set("X-Forwarded-For", forwardedFor == null || forwardedFor.isBlank() ? client : forwardedFor + ", " + client);
            h.set("X-Forwarded-Proto", "http");
            h.set("X-Forwarded-Host", authority.value());
            appendVia(h);
            request.setProtocolVersion(HttpVersion.HTTP_1_1);
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
            ChannelFuture write = upstream.write(request);
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
                ctx.channel().config().setAutoRead(true);
                ctx.read();
            }
        }

        void requestContent(HttpContent content) {
            if (content instanceof LastHttpContent) {
                requestComplete = true;
            }
            bodyBytes += content.content().readableBytes();
            if (upstream == null) {
                if (pendingBody == null) {
                    pendingBody = new ArrayDeque<>(4);
                }
                pendingBody.add(content);
                return;
            }
            Channel ch = upstream;
            ChannelFuture write = upstream.write(content); // flushed at the end of the read batch
            write.addListener(f -> afterWrite(ch, f));
            if (requestComplete) {
                armResponseTimer(write);
            } else if (!upstream.isWritable()) {
                ctx.channel().config().setAutoRead(false); // upstream is slower than the client: pause
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

        /** SPEC §7: the response timeout runs from the last request byte written. */
        private void armResponseTimer(ChannelFuture lastWrite) {
            lastWrite.addListener(f -> {
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
            boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
            boolean noBody = request.method().equals(HttpMethod.HEAD) || s.code() == 204 || s.code() == 304;
            HopByHop.strip(h);
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
                    ctx.channel().config().setAutoRead(true);
                    ctx.read();
                } else if (!writable) {
                    ctx.channel().config().setAutoRead(false);
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
            ctx.channel().config().setAutoRead(true);
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
                ctx.channel().config().setAutoRead(false);
            }
        }
    }
}
