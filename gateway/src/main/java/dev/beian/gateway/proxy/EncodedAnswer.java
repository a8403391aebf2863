package dev.beian.gateway.proxy;

import dev.beian.decision.BlockReason;
import dev.beian.gateway.block.BlockAnswers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A block answer already in HTTP/1.1 bytes, written past the response encoder as it is. The notice for a
 * host and reason never changes while the process runs, yet building it was most of the block path's own
 * work: a header map filled and validated, the page joined around the host, the head encoded, for every
 * request an unfiled host sends. Built once per (reason, host, connection handling, HEAD or not), kept in a
 * bounded map (emptied whole when full: the answers are cheap to make again), and written as a view of the
 * same bytes. HTTP/2 streams keep the {@code HttpResponse}: their codec needs the object.
 *
 * <p>The bytes live off the heap: the native transports write only direct memory, and copied a heap answer
 * into a fresh pooled buffer on every write (7 % of the block path's user time in a profile). They belong to
 * a JDK {@code ByteBuffer}, so the collector frees them once the map has let go and the last write is done;
 * each write gets an unreleasable view, so no write can free them for the others.
 */
final class EncodedAnswer {
    private final ByteBuf bytes;
    private final int status;

    private EncodedAnswer(byte[] bytes, int status) {
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        this.bytes = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
        this.status = status;
    }

    /** The answers of one configuration, kept as bytes; one per gateway, shared by its event loops. */
    static final class Kept {
        /** About 2 KB each: a flood of made-up hosts costs at most some 8 MB before the map is emptied. */
        private static final int MAX_KEPT = 4096;
        private final BlockAnswers answers;
        private final ConcurrentHashMap<Key, EncodedAnswer> kept = new ConcurrentHashMap<>();

        /** What the bytes depend on besides the configuration. */
        private record Key(BlockReason reason, String host, boolean keepAlive, boolean http10KeepAlive,
                           boolean head) {
        }

        Kept(BlockAnswers answers) {
            this.answers = answers;
        }

        /**
         * The answer for a blocked HTTP/1.x request. {@code http10KeepAlive}: an HTTP/1.0 client kept alive
         * (it must be told so); {@code head}: the request was HEAD (no body, the length still given).
         */
        EncodedAnswer answer(BlockReason reason, String host, boolean keepAlive, boolean http10KeepAlive,
                             boolean head) {
            Key key = new Key(reason, host, keepAlive, http10KeepAlive, head);
            EncodedAnswer answer = kept.get(key);
            if (answer == null) {
                if (kept.size() >= MAX_KEPT) {
                    kept.clear();
                }
                answer = new EncodedAnswer(encode(answers.answer(reason, host, keepAlive), http10KeepAlive, head),
                        answers.status());
                kept.put(key, answer);
            }
            return answer;
        }
    }

    /** The bytes {@code GatewayServerCodec}'s encoder would write for {@code response}; releases it. */
    static byte[] encode(FullHttpResponse response, boolean http10KeepAlive, boolean head) {
        try {
            if (http10KeepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ByteBuf buf = Unpooled.buffer(256 + response.content().readableBytes());
            buf.writeCharSequence(response.protocolVersion().text(), StandardCharsets.US_ASCII);
            buf.writeByte(' ');
            buf.writeCharSequence(response.status().codeAsText(), StandardCharsets.US_ASCII);
            buf.writeByte(' ');
            buf.writeCharSequence(response.status().reasonPhrase(), StandardCharsets.US_ASCII);
            buf.writeByte('\r').writeByte('\n');
            Latin1Head.writeHeaders(response.headers(), buf);
            buf.writeByte('\r').writeByte('\n');
            if (!head) {
                buf.writeBytes(response.content(), response.content().readerIndex(), response.content().readableBytes());
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            response.release();
        }
    }

    /** A view of the bytes for one write: its own indexes, the same memory; releasing it frees nothing. */
    ByteBuf content() {
        return bytes.duplicate();
    }

    int status() {
        return status;
    }
}
