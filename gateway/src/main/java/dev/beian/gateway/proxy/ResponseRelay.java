package dev.beian.gateway.proxy;

import dev.beian.gateway.metrics.Outcome;
import dev.beian.gateway.metrics.UpstreamErrorKind;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The answer of a forwarded request, upstream to client (SPEC §7): interim 1xx answers are not passed on;
 * the head is re-written (hop-by-hop fields out, the framing the gateway's own, {@code Via}, the
 * {@code Connection} the client connection needs); trailers are dropped; the body streams with the client's
 * write buffer as the brake ({@link FlowControl}); the exchange ends when its last byte is written. A 101 to
 * a WebSocket upgrade the client asked for turns both connections into a {@link Tunnel}.
 */
final class ResponseRelay {
    private final RequestReceiver receiver;
    private final UpstreamExchange exchange;
    private boolean started;
    private boolean interim;
    private boolean upstreamKeepAlive;
    private boolean keepClient;
    private int status;

    ResponseRelay(RequestReceiver receiver, UpstreamExchange exchange) {
        this.receiver = receiver;
        this.exchange = exchange;
    }

    /** True once the final response head was passed to the client. */
    boolean started() {
        return started;
    }

    int status() {
        return status;
    }

    /** A head or a piece of body from the decoder; a fault in the upstream's bytes arrives as a failure instead. */
    void upstreamRead(Object msg) {
        if (msg instanceof UpstreamResponse response) {
            head(response);
        } else if (msg instanceof HttpContent content) {
            content(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void head(UpstreamResponse response) {
        int code = response.status();
        if (response.interim()) {
            interim = true; // its empty last content follows
            return;
        }
        exchange.connection.cancelResponseTimeout();
        if (code == 101) {
            HttpResponse switching = response.toHttpResponse();
            if (exchange.websocket && "websocket".equalsIgnoreCase(switching.headers().get(HttpHeaderNames.UPGRADE))) {
                Tunnel.open(receiver, exchange, switching);
            } else { // an upgrade we never asked for: not a protocol we can follow
                receiver.context.metrics.upstreamError(exchange.upstream.name, UpstreamErrorKind.RESET);
                exchange.fail(Outcome.UPSTREAM_ERROR, HttpResponseStatus.BAD_GATEWAY);
            }
            return;
        }
        started = true;
        status = code;
        upstreamKeepAlive = response.keepAlive();
        keepClient = exchange.clientKeepAlive && receiver.mayKeepAlive();
        boolean clientHttp10 = exchange.request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        long length = response.contentLength(); // -1 when chunked: the parser refuses both
        boolean noBody = exchange.request.method().equals(HttpMethod.HEAD) || status == 204 || status == 304;
        boolean chunkedToClient = false;
        // The framing is the gateway's own here too: no Connection token of the upstream's can remove it.
        if (length < 0 && !noBody) { // chunked, or delimited by the upstream closing: re-framed for the client
            if (clientHttp10) {
                keepClient = false; // HTTP/1.0 has no chunked coding: delimited by closing
            } else {
                chunkedToClient = true;
            }
        }
        String connection = !keepClient ? "close" : clientHttp10 ? "keep-alive" : null;
        ClientResponseHead.Framing framing = new ClientResponseHead.Framing(length, chunkedToClient, connection);
        if (receiver.isHttp2()) { // a frame: the stream's codec lets it pass, as it does the DATA after it
            receiver.ctx.write(new DefaultHttp2HeadersFrame(ClientResponseHead.http2(response, framing)));
        } else {
            // nobody waits on the head alone: the encoder may send it with the body's first piece
            receiver.ctx.write(ClientResponseHead.encode(response, framing, receiver.ctx.alloc()),
                    receiver.ctx.voidPromise());
        }
    }

    private void content(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (interim || !started) {
            content.release();
            interim &= !last;
            return;
        }
        if (last && !((LastHttpContent) content).trailingHeaders().isEmpty()) {
            ((LastHttpContent) content).trailingHeaders().clear(); // trailers are not passed on (RFC 9110 §6.5)
        }
        if (last) { // counted before the client can see the end of it
            exchange.record.complete(Outcome.FORWARDED, status);
        }
        ChannelFuture write = receiver.ctx.writeAndFlush(content);
        write.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (last) {
            exchange.responseDone(write, upstreamKeepAlive, keepClient);
        }
    }
}
