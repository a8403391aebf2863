package dev.beian.gateway.proxy;

import dev.beian.gateway.metrics.Outcome;
import dev.beian.gateway.metrics.UpstreamErrorKind;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
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

    void upstreamRead(Object msg) {
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg); // a response we cannot frame: never pass it on
            exchange.upstreamClosed();
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (!head(response)) {
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            content(content);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** False when the head was not passed on (an interim answer, an upgrade, a failure). */
    private boolean head(HttpResponse response) {
        HttpResponseStatus s = response.status();
        if (s.codeClass() == HttpStatusClass.INFORMATIONAL && s.code() != 101) {
            interim = true; // its empty last content follows
            return true;
        }
        exchange.connection.cancelResponseTimeout();
        if (s.code() == 101) {
            if (exchange.websocket && "websocket".equalsIgnoreCase(response.headers().get(HttpHeaderNames.UPGRADE))) {
                Tunnel.open(receiver, exchange, response);
            } else { // an upgrade we never asked for: not a protocol we can follow
                receiver.context.metrics.upstreamError(exchange.upstream.name, UpstreamErrorKind.RESET);
                exchange.fail(Outcome.UPSTREAM_ERROR, HttpResponseStatus.BAD_GATEWAY);
            }
            return false;
        }
        started = true;
        status = s.code();
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        keepClient = exchange.clientKeepAlive && receiver.mayKeepAlive();
        boolean clientHttp10 = exchange.request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        long length = chunked ? -1 : HttpUtil.getContentLength(response, -1L);
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
        if (receiver.isHttp2()) {
            ClientResponseHead.edit(response, framing);
            receiver.ctx.write(response);
        } else {
            // nobody waits on the head alone: the encoder may send it with the body's first piece
            receiver.ctx.write(ClientResponseHead.encode(response, framing, receiver.ctx.alloc()),
                    receiver.ctx.voidPromise());
        }
        return true;
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
