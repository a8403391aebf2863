package dev.beian.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * The body after an {@link EncodedHead}, framed for this hop (RFC 9112 §6, §7.1): as it is, or in chunks,
 * ending with the last chunk and no trailers (the gateway passes none on, RFC 9110 §6.5). One per encoder:
 * a connection carries one message at a time in each direction.
 */
final class BodyFraming {
    private static final ByteBuf CRLF = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2).writeByte('\r').writeByte('\n')).asReadOnly();
    private static final ByteBuf LAST_CHUNK = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private boolean active;
    private boolean chunked;

    /** A head was written: the contents up to the last are this message's body. */
    void begin(boolean chunked) {
        this.active = true;
        this.chunked = chunked;
    }

    /** True between an {@link EncodedHead} and its last content. */
    boolean active() {
        return active;
    }

    /** Writes one piece of the body; its buffer goes with the write. */
    void write(ChannelHandlerContext ctx, HttpContent content, ChannelPromise promise) {
        boolean last = content instanceof LastHttpContent;
        if (last) {
            active = false;
        }
        ByteBuf data = content.content();
        if (!chunked) {
            ctx.write(data, promise);
            return;
        }
        int n = data.readableBytes();
        if (n == 0) {
            data.release();
            if (!last) {
                ctx.write(Unpooled.EMPTY_BUFFER, promise);
                return;
            }
        } else {
            ByteBuf size = ctx.alloc().buffer(10);
            size.writeCharSequence(Integer.toHexString(n), StandardCharsets.US_ASCII);
            size.writeByte('\r').writeByte('\n');
            ctx.write(size, ctx.newPromise()); // a failure here fails the writes after it too
            ctx.write(data, last ? ctx.newPromise() : promise);
            ctx.write(CRLF.duplicate(), ctx.newPromise());
            if (!last) {
                return;
            }
        }
        ctx.write(LAST_CHUNK.duplicate(), promise);
    }
}
