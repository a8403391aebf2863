package dev.beian.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The upstream side's HTTP/1.1 codec: the gateway's response decoder ({@link UpstreamResponseDecoder}; a
 * response to HEAD has no body, so each request's method is remembered), and the request head the gateway
 * wrote ({@link UpstreamRequestHead}) with its body framed by {@link BodyFraming}. The head carries the request
 * target and header values as the bytes the client sent ({@link HeadBytes}): Netty's encoder turns a target
 * byte 0x80 into {@code C2 80}, so the app would route a path other than the one the gateway decided on.
 */
final class UpstreamCodec {
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(2);
    private final UpstreamResponseDecoder decoder = new UpstreamResponseDecoder(methods);
    private final Encoder encoder = new Encoder();

    /** The halves are handlers of their own, as {@link GatewayServerCodec}'s are. */
    UpstreamResponseDecoder decoder() {
        return decoder;
    }

    Encoder encoder() {
        return encoder;
    }

    /**
     * Writes the head the gateway built ({@link EncodedHead}) and frames the body after it; remembers each
     * request's method for the decoder of its answer.
     */
    final class Encoder extends ChannelOutboundHandlerAdapter {
        /** A request head's write is always waited on (the response timer starts after it): never held. */
        private final BodyFraming body = new BodyFraming(false);

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof EncodedHead head) {
                methods.add(head.method());
                body.begin(ctx, head, promise);
            } else if (msg instanceof HttpContent content && body.active()) {
                body.write(ctx, content, promise);
            } else if (msg instanceof HttpObject) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IllegalStateException("not a message the gateway wrote: " + msg.getClass()));
            } else {
                ctx.write(msg, promise);
            }
        }
    }
}
