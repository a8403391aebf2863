package dev.beian.gateway.proxy;

import dev.beian.gateway.block.Answers;
import dev.beian.gateway.metrics.GatewayMetrics;
import dev.beian.gateway.metrics.Outcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The exchange step of a client connection: receives HTTP objects, admits one request at a time
 * ({@link Admission}) and hands it to its {@link Cycle} (a {@link BlockResponder}'s {@link DiscardBody}, or
 * a {@link Forwarding}) until that says it is done. What a pipelining client sends meanwhile waits
 * ({@link PipelinedRequests}) and is answered in order. Every request it admits or
 * refuses is completed once ({@link RequestRecord}). Written against HTTP objects and its channel only.
 */
final class RequestReceiver extends ChannelInboundHandlerAdapter {
    /** Fired by the gateway into every client pipeline when draining starts. */
    static final Signal DRAIN = new Signal("RequestReceiver.DRAIN");

    final ProxyContext context;
    private final HeaderReadTimeout headerTimeout;
    private PipelinedRequests queued;
    ChannelHandlerContext ctx;
    FlowControl flow;
    private Cycle current;
    private Tunnel tunnel;
    private boolean closing;
    private boolean closeAfterCycle;
    private String clientAddress;
    /** The connection's SNI (normalised) when it came over TLS; null over plain HTTP. */
    private String sni;
    /** True when the connection came over TLS: X-Forwarded-Proto and Forwarded say https. */
    boolean https;

    private final GatewayMetrics.Protocol protocol;

    /** {@code headerTimeout}: null on an HTTP/2 stream, whose head arrives whole in one HEADERS frame. */
    RequestReceiver(ProxyContext context, HeaderReadTimeout headerTimeout, GatewayMetrics.Protocol protocol) {
        this.context = context;
        this.headerTimeout = headerTimeout;
        this.protocol = protocol;
    }

    /** False once the connection is to close after the request in progress (draining, Connection: close). */
    boolean mayKeepAlive() {
        return !closeAfterCycle && !context.draining();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.flow = new FlowControl(ctx.channel());
        this.queued = new PipelinedRequests(flow, ctx.pipeline(), !isHttp2());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest full) {
            // an HTTP/2 stream's HEADERS with END_STREAM arrive whole: a head and its (empty) end, as HTTP/1 has them
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            head.setDecoderResult(full.decoderResult());
            channelRead(ctx, head);
            channelRead(ctx, new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            return;
        }
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (tunnel != null) {
            tunnel.fromClient(msg);
        } else if (!queued.isEmpty() || current != null && !current.wantsContent()
                || current == null && answersUnread()) {
            queued.add(msg);
        } else {
            dispatch(msg);
        }
    }

    /**
     * HTTP/1.1: the answers already written fill the client's write buffer past its high water mark, so the
     * next pipelined request waits until the client takes them. A client that pipelines and never reads would
     * otherwise have the gateway answer, and hold every answer, for as long as it sends (a slow-read attack on
     * memory); nginx starts no next request before the last answer is sent either. An HTTP/2 stream has one
     * request, held back by its flow-control window.
     */
    private boolean answersUnread() {
        return !isHttp2() && !ctx.channel().isWritable();
    }

    private void dispatch(Object msg) {
        if (msg instanceof FramingViolation violation) {
            if (current != null) {
                current.violation(violation);
            } else {
                refuseHead(violation.status());
            }
        } else if (msg instanceof HttpRequest request) {
            if (current != null) { // a new head while a body is pending cannot happen with a sane decoder
                ReferenceCountUtil.release(msg);
                closeNow();
            } else {
                admit(request);
            }
        } else if (msg instanceof HttpContent content && current != null) {
            current.content(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void admit(HttpRequest request) {
        long start = headStart();
        if (headerTimeout != null) {
            headerTimeout.headReceived();
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request) && mayKeepAlive();
        learnConnection();
        Admission.Verdict verdict = Admission.admit(context, request, sni);
        RequestRecord record = new RequestRecord(context, protocol, start, clientAddress,
                request.method().name(), request.uri(), verdict.host());
        if (verdict instanceof Admission.Refuse refuse) {
            record.complete(refuse.outcome(), refuse.status().code());
            ReferenceCountUtil.release(request);
            answerAndClose(Answers.of(refuse.status(), refuse.outcome().label(), false));
        } else if (verdict instanceof Admission.Block block) {
            current = BlockResponder.answer(this, record, request, block.reason(), block.host(), keepAlive);
        } else if (verdict instanceof Admission.Forward forward) {
            Forwarding forwarding = new Forwarding(this, record, request, forward.authority(), forward.upstream(),
                    keepAlive);
            current = forwarding;
            forwarding.start(request);
        }
    }

    /** Where a request's duration starts: its head's first byte, where the header timeout saw it. */
    private long headStart() {
        return headerTimeout == null ? System.nanoTime() : headerTimeout.headStartedAt();
    }

    /** Once per connection, at its first head: the PROXY header and the TLS handshake are done by now. */
    private void learnConnection() {
        if (clientAddress == null) {
            Channel connection = ClientAddress.connection(ctx.channel());
            clientAddress = ClientAddress.of(connection);
            sni = connection.attr(SniAdmission.SNI).get();
            https = connection.pipeline().get(SslHandler.class) != null;
        }
    }

    /**
     * A head that never became a request (malformed, too large, too slow): counted and logged from the head's
     * first byte, with what little is known of it, then answered and closed.
     */
    private void refuseHead(HttpResponseStatus status) {
        learnConnection();
        new RequestRecord(context, protocol, headStart(), clientAddress, "-",
                "-", null).complete(Outcome.BAD_REQUEST, status.code());
        answerAndClose(Answers.of(status, Outcome.BAD_REQUEST.label(), false));
    }

    /**
     * The request in progress is done. {@code lastWrite}: its answer's last write; {@code bodyPending}: the
     * request's body has not all arrived (the upstream answered early), and is dropped before the next.
     */
    void cycleDone(Cycle cycle, ChannelFuture lastWrite, boolean keepAlive, boolean bodyPending) {
        if (current != cycle) {
            return;
        }
        current = null;
        if (!keepAlive || !mayKeepAlive()) {
            closing = true;
            releaseQueued();
            lastWrite.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (bodyPending) {
            current = new DiscardBody(this, lastWrite, true);
        } else if (headerTimeout != null) {
            headerTimeout.awaitNextHead();
        }
        dispatchQueued();
    }

    /** What waited in the queue, in order, while each next message may go; the client is read again after. */
    private void dispatchQueued() {
        while (!queued.isEmpty() && !closing && tunnel == null
                && (current == null ? !answersUnread() : current.wantsContent())) {
            dispatch(queued.poll());
        }
        if (current != null) {
            current.readComplete(); // what the queue held was a batch of its own
        }
        queued.resumeIfEmpty();
    }

    /** How many messages wait in the pipelining queue (what a pipelining client costs, for tests). */
    int queuedMessages() {
        return queued.size();
    }

    /** After a 101: from now on the client connection carries bytes for the tunnel. */
    void becomeTunnel(Tunnel tunnel) {
        this.current = null;
        this.tunnel = tunnel;
        ClientPipeline.becomeTunnel(ctx.pipeline());
        queued.handAll(tunnel::fromClient);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (current != null) {
            current.readComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        flow.clientWritabilityChanged();
        if (current == null && !queued.isEmpty()) {
            dispatchQueued(); // the next pipelined request's turn, if the client took its answers
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HeaderReadTimeout.EXPIRED) {
            if (current == null && queued.isEmpty() && tunnel == null) {
                refuseHead(HttpResponseStatus.REQUEST_TIMEOUT);
            }
        } else if (evt instanceof IdleStateEvent) {
            if (current != null) {
                current.clientIdle();
            } else {
                // between requests, a tunnel without traffic either way, or pipelined requests waiting for a
                // client that took none of its answers in all that time (nginx's send_timeout)
                closeNow();
            }
        } else if (evt == DRAIN) {
            if (current == null && queued.isEmpty() && tunnel == null) {
                closeNow();
            } else {
                closeAfterCycle = true;
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (current != null) {
            current.clientGone();
            current = null;
        }
        if (tunnel != null) {
            tunnel.close();
        }
        releaseQueued();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (current != null && cause instanceof Http2Exception) {
            // An HTTP/2 stream the frame codec resets for what the client sent on it after the head (DATA
            // beyond or short of its content-length, RFC 9113 §8.1.1): a malformed request, not a client gone.
            current.violation(new FramingViolation(HttpResponseStatus.BAD_REQUEST, String.valueOf(cause.getMessage())));
        }
        // An I/O error on the client socket (reset, broken pipe): nothing to answer, nobody to tell.
        closeNow();
    }

    /** The connection closes after this answer; the cycle in progress, if any, hears of it as the client gone. */
    boolean isHttp2() {
        return protocol == GatewayMetrics.Protocol.H2;
    }

    /** {@code response}: an {@code HttpResponse}, or an {@link EncodedAnswer} on HTTP/1. */
    void answerAndClose(Object response) {
        closing = true;
        releaseQueued();
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    void closeNow() {
        closing = true;
        releaseQueued();
        ctx.close();
    }

    private void releaseQueued() {
        queued.releaseAll();
    }
}
