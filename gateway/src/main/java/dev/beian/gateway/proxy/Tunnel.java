package dev.beian.gateway.proxy;

import dev.beian.gateway.metrics.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * A WebSocket connection after the upstream's 101 (SPEC §7): both connections carry bytes, not HTTP. The
 * HTTP steps leave both pipelines; each side is read only while the other can take more
 * ({@link FlowControl}, still bound); {@code timeouts.idle} without traffic either way closes both (the
 * client's idle step stays for that). Only an upgrade the client asked for and the upstream accepted gets
 * here: any other (h2c above all) would let later requests skip the decision.
 */
final class Tunnel implements UpstreamListener {
    private final RequestReceiver receiver;
    private final UpstreamConnection connection;

    private Tunnel(RequestReceiver receiver, UpstreamConnection connection) {
        this.receiver = receiver;
        this.connection = connection;
    }

    /** True for a WebSocket upgrade the client asked for: the only upgrade passed on. */
    static boolean requested(HttpRequest request) {
        return request.method().equals(HttpMethod.GET)
                && "websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))
                && HopByHop.connectionHas(request.headers(), "upgrade");
    }

    static void open(RequestReceiver receiver, UpstreamExchange exchange, HttpResponse response) {
        HttpHeaders h = response.headers();
        HopByHop.strip(h);
        h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        h.set(HttpHeaderNames.VIA, ClientResponseHead.via(h));
        receiver.ctx.writeAndFlush(response);
        exchange.record.complete(Outcome.FORWARDED, 101);
        UpstreamConnection connection = exchange.handOver();
        Tunnel tunnel = new Tunnel(receiver, connection);
        connection.bind(tunnel);
        connection.toTunnel();
        receiver.becomeTunnel(tunnel);
    }

    /** Bytes from the client. */
    void fromClient(Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ReferenceCountUtil.release(msg); // HTTP objects decoded before the switch: not websocket bytes
            return;
        }
        connection.channel().writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void upstreamRead(Object msg) {
        if (!(msg instanceof ByteBuf)) { // nothing but bytes comes after the 101 head
            ReferenceCountUtil.release(msg);
            return;
        }
        receiver.ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void upstreamWritabilityChanged() {
        receiver.flow.upstreamWritabilityChanged();
    }

    @Override
    public void upstreamClosed() {
        receiver.ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void upstreamFailed(Throwable cause) {
        upstreamClosed();
    }

    @Override
    public void upstreamIdle() {
        // the client's idle step judges the tunnel
    }

    /** The client closed, or the tunnel was idle: the upstream connection goes too. */
    void close() {
        receiver.flow.unbind();
        connection.discard();
    }
}
