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
 *
 * <p>On the client side ({@code holdsHeads}), a head written with a void promise (nobody waits on it alone)
 * before a body of known length is held back, and goes out in one buffer with the body's first piece when that is small ({@link #JOIN_LIMIT}):
 * most answers are a head and one short piece, and as two buffers they cost the transport two entries, two
 * promises and a {@code writev} of two where one {@code write} does. Anything else written, and any flush,
 * lets a held head go first as it is.
 */
final class BodyFraming {
    /** The largest first piece copied behind a held head; a larger one goes as a buffer of its own. */
    static final int JOIN_LIMIT = 4096;

    private static final ByteBuf CRLF = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2).writeByte('\r').writeByte('\n')).asReadOnly();
    private static final ByteBuf LAST_CHUNK = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private final boolean holdsHeads;
    private boolean active;
    private boolean chunked;
    /** The head, held for the first piece of its body; null once written. */
    private ByteBuf held;

    /**
     * @param holdsHeads heads may be held for their body (see above); the encoder then lets a held head go
     *                   on a flush or another message, and discards it on close
     */
    BodyFraming(boolean holdsHeads) {
        this.holdsHeads = holdsHeads;
    }

    /** Writes {@code head} (or holds it, see above): the contents up to the last are this message's body. */
    void begin(ChannelHandlerContext ctx, EncodedHead head, ChannelPromise promise) {
        letGo(ctx);
        this.active = true;
        this.chunked = head.chunked();
        if (holdsHeads && !chunked && promise.isVoid()) {
            held = head.content();
        } else {
            ctx.write(head.content(), promise);
        }
    }

    /** A held head goes out as it is: before a flush, or before a message that is not its body. */
    void letGo(ChannelHandlerContext ctx) {
        if (held != null) {
            ByteBuf head = held;
            held = null;
            ctx.write(head, ctx.voidPromise());
        }
    }

    /** The connection is gone or the encoder removed: a held head is dropped. */
    void discard() {
        if (held != null) {
            held.release();
            held = null;
        }
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
        if (held != null && data.readableBytes() <= JOIN_LIMIT) { // held only before a body as it is
            ByteBuf head = held;
            held = null;
            head.writeBytes(data);
            data.release();
            ctx.write(head, promise);
            return;
        }
        letGo(ctx);
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
