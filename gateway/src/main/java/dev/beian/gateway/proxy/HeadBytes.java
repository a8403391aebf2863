package dev.beian.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;

/**
 * A head the gateway writes ({@link UpstreamRequestHead}, {@link ClientResponseHead}), built on the heap and
 * copied into the connection's buffer in one piece. Each char is the byte it was read from (the decoder reads
 * a head byte as one char: {@link Latin1Head}). Written char by char into a pooled direct buffer, every byte
 * went through the buffer's chain of index checks and delegations: 6 % of a forwarded request's user time.
 * One per thread, reused: a head is built and copied out before the thread does anything else.
 */
final class HeadBytes {
    private static final FastThreadLocal<HeadBytes> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected HeadBytes initialValue() {
            return new HeadBytes();
        }
    };

    private static final int INITIAL = 1024;
    /**
     * An array grown past this for a rare large head is dropped once the head is copied out: kept, one per
     * event loop would hold on to the largest head ever seen (up to {@code limits.max-header-size}).
     */
    static final int KEEP = 16 * 1024;

    private byte[] bytes = new byte[INITIAL];
    private int length;

    private HeadBytes() {
    }

    /** This thread's builder, emptied. */
    static HeadBytes start() {
        HeadBytes head = PER_THREAD.get();
        head.length = 0;
        return head;
    }

    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) keeps each char's low byte: wanted here
    HeadBytes text(CharSequence text) {
        int n = text.length();
        ensure(n);
        if (text instanceof String string) {
            string.getBytes(0, n, bytes, length); // an array copy for a Latin-1 string, as the decoder's are
        } else if (text instanceof AsciiString ascii) {
            System.arraycopy(ascii.array(), ascii.arrayOffset(), bytes, length, n);
        } else {
            byte[] b = bytes;
            int at = length;
            for (int i = 0; i < n; i++) {
                b[at + i] = (byte) text.charAt(i);
            }
        }
        length += n;
        return this;
    }

    /** Bytes as received (an upstream's field line, validated by {@link ResponseHeadParser}). */
    HeadBytes bytes(byte[] from, int offset, int length) {
        ensure(length);
        System.arraycopy(from, offset, bytes, this.length, length);
        this.length += length;
        return this;
    }

    HeadBytes colonSp() {
        ensure(2);
        bytes[length++] = ':';
        bytes[length++] = ' ';
        return this;
    }

    HeadBytes sp() {
        return put((byte) ' ');
    }

    HeadBytes crlf() {
        ensure(2);
        bytes[length++] = '\r';
        bytes[length++] = '\n';
        return this;
    }

    /** One field line: the names and values are the decoder's (validated by it) or the gateway's own. */
    HeadBytes field(CharSequence name, CharSequence value) {
        return text(name).colonSp().text(value).crlf();
    }

    /** The head so far, in a buffer of the connection's allocator. */
    ByteBuf toBuffer(ByteBufAllocator alloc) {
        return toBuffer(alloc, 0);
    }

    /** The head in a buffer with room for {@code room} bytes more after it (a body joined to it). */
    ByteBuf toBuffer(ByteBufAllocator alloc, int room) {
        ByteBuf out = alloc.buffer(length + room);
        out.writeBytes(bytes, 0, length);
        if (bytes.length > KEEP) {
            bytes = new byte[INITIAL];
        }
        return out;
    }

    /** The array's size now, for tests. */
    int capacity() {
        return bytes.length;
    }

    private HeadBytes put(byte b) {
        ensure(1);
        bytes[length++] = b;
        return this;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
