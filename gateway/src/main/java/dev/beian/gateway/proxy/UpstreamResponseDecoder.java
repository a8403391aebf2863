package dev.beian.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import java.util.Queue;

/**
 * An upstream connection's answers, read from its bytes: each head as an {@link UpstreamResponse}, its body as
 * {@code HttpContent} pieces ending in a {@code LastHttpContent} (RFC 9112 §6.3: none after a 1xx, 204, 304 or
 * an answer to HEAD; a length; chunked; or up to the close). After a 101 the bytes go on as they are.
 * It replaced Netty's response decoder, which built a header map of Strings that the gateway then walked
 * three times (framing, keep-alive, the client's head): 17 % of a forwarded request's user time. What cannot be framed without doubt fails the connection
 * ({@link DecoderException}, a 502 or a cut-off answer), and nothing after it is read.
 */
final class UpstreamResponseDecoder extends ByteToMessageDecoder {
    /** The largest head (and the largest trailer section) taken, as {@code limits.max-header-size}'s default. */
    static final int MAX_HEAD = 64 * 1024;
    /** The largest chunk-size line, extensions included. */
    private static final int MAX_CHUNK_LINE = 8192;

    private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, UPGRADED, FAILED }

    private final Queue<HttpMethod> methods;
    private State state = State.HEAD;
    /** Bytes left of a length-delimited body or of a chunk. */
    private long left;
    /** How far the buffered head (or trailer section) was searched for its end already. */
    private int searched;

    /** {@code methods}: the method of each request sent, in order (an answer to HEAD has no body). */
    UpstreamResponseDecoder(Queue<HttpMethod> methods) {
        this.methods = methods;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            while (in.isReadable() && step(in, out)) {
                // each step took what it could
            }
        } catch (ResponseHeadParser.Malformed e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            throw new DecoderException("malformed response: " + e.getMessage(), e);
        }
    }

    /** One step of the answer; false when more bytes are needed. */
    private boolean step(ByteBuf in, List<Object> out) throws ResponseHeadParser.Malformed {
        switch (state) {
            case HEAD:
                return head(in, out);
            case LENGTH, CHUNK_DATA: {
                int n = (int) Math.min(left, in.readableBytes());
                ByteBuf piece = in.readRetainedSlice(n);
                left -= n;
                if (left > 0) {
                    out.add(new DefaultHttpContent(piece));
                } else if (state == State.LENGTH) {
                    out.add(new DefaultLastHttpContent(piece));
                    state = State.HEAD;
                } else {
                    out.add(new DefaultHttpContent(piece));
                    state = State.CHUNK_END;
                }
                return true;
            }
            case CHUNK_SIZE:
                return chunkSize(in);
            case CHUNK_END: // the CRLF after a chunk's data (or a bare LF, RFC 9112 §2.2)
                if (in.getByte(in.readerIndex()) == '\n') {
                    in.skipBytes(1);
                } else if (in.readableBytes() < 2) {
                    return false;
                } else if (in.readShort() != ('\r' << 8 | '\n')) {
                    throw new ResponseHeadParser.Malformed("chunk data longer than its size");
                }
                state = State.CHUNK_SIZE;
                return true;
            case TRAILERS:
                return trailers(in, out);
            case UNTIL_CLOSE:
                out.add(new DefaultHttpContent(in.readRetainedSlice(in.readableBytes())));
                return true;
            case UPGRADED: // bytes of the protocol switched to, for the tunnel (which removes this decoder)
                out.add(in.readRetainedSlice(in.readableBytes()));
                return true;
            default: // FAILED: the connection is closing; nothing after the fault is read
                in.skipBytes(in.readableBytes());
                return false;
        }
    }

    private boolean head(ByteBuf in, List<Object> out) throws ResponseHeadParser.Malformed {
        if (searched == 0) { // empty lines before a head are skipped (RFC 9112 §2.2)
            while (in.isReadable() && (in.getByte(in.readerIndex()) == '\n' || in.getByte(in.readerIndex()) == '\r')) {
                in.skipBytes(1);
            }
        }
        int end = emptyLineEnd(in);
        if (end < 0) {
            if (in.readableBytes() > MAX_HEAD) {
                throw new ResponseHeadParser.Malformed("head over " + MAX_HEAD + " bytes");
            }
            return false;
        }
        byte[] bytes = new byte[end];
        in.readBytes(bytes);
        UpstreamResponse response = ResponseHeadParser.parse(bytes, end);
        out.add(response);
        int status = response.status();
        if (status == 101) { // HTTP ends here: what follows is the tunnel's, as bytes
            state = State.UPGRADED;
            return false;
        }
        if (status < 200) { // no body; a 1xx answers no request of its own
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            return true;
        }
        if (HttpMethod.HEAD.equals(methods.poll()) || status == 204 || status == 304) {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        } else if (response.chunked()) {
            state = State.CHUNK_SIZE;
        } else if (response.contentLength() == 0) {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        } else if (response.contentLength() > 0) {
            left = response.contentLength();
            state = State.LENGTH;
        } else {
            state = State.UNTIL_CLOSE;
        }
        return true;
    }

    /**
     * The end of the head in the buffer (past its empty line, relative to the reader index), or -1. Resumes
     * where the last search stopped, so a head that trickles in is not searched from its start each time.
     */
    private int emptyLineEnd(ByteBuf in) {
        int from = in.readerIndex() + searched;
        int to = Math.min(in.writerIndex(), in.readerIndex() + MAX_HEAD + 1);
        for (int lf = in.indexOf(from, to, (byte) '\n'); lf >= 0; lf = in.indexOf(lf + 1, to, (byte) '\n')) {
            if (lf + 1 >= to || (in.getByte(lf + 1) == '\r' && lf + 2 >= to)) {
                searched = lf - in.readerIndex(); // look at this line end again when more has come
                return -1;
            }
            byte next = in.getByte(lf + 1);
            if (next == '\n' || (next == '\r' && in.getByte(lf + 2) == '\n')) {
                searched = 0;
                return lf + (next == '\n' ? 2 : 3) - in.readerIndex();
            }
        }
        searched = Math.max(0, to - in.readerIndex() - 1);
        return -1;
    }

    /** {@code chunk-size [ chunk-ext ] CRLF} (RFC 9112 §7.1); the extensions are not looked at. */
    private boolean chunkSize(ByteBuf in) throws ResponseHeadParser.Malformed {
        int from = in.readerIndex();
        int lf = in.indexOf(from, Math.min(in.writerIndex(), from + MAX_CHUNK_LINE), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() >= MAX_CHUNK_LINE) {
                throw new ResponseHeadParser.Malformed("chunk size line");
            }
            return false;
        }
        long size = 0;
        int p = from;
        for (int digit; p < lf && (digit = Character.digit(in.getByte(p), 16)) >= 0; p++) {
            if (p - from == 15) {
                throw new ResponseHeadParser.Malformed("chunk size");
            }
            size = size << 4 | digit;
        }
        int end = contentEnd(in, from, lf);
        if (p == from || (p < end && !isChunkExtension(in, p, end))) {
            throw new ResponseHeadParser.Malformed("chunk size");
        }
        in.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            left = size;
            state = State.CHUNK_DATA;
        }
        return true;
    }

    /** Where the line from {@code from} to its LF at {@code lf} ends: before a CR LF, or its bare LF. */
    private static int contentEnd(ByteBuf in, int from, int lf) {
        return lf > from && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    /** BWS then {@code ;} and field characters (RFC 9112 §7.1.1): no CR, no control but HTAB. */
    private static boolean isChunkExtension(ByteBuf in, int from, int to) {
        int p = from;
        while (p < to && (in.getByte(p) == ' ' || in.getByte(p) == '\t')) {
            p++;
        }
        if (p == to || in.getByte(p) != ';') {
            return false;
        }
        for (int i = p; i < to; i++) {
            if (!ResponseHeadParser.isFieldByte(in.getByte(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The trailer section after the last chunk: read and dropped, the gateway passes no trailers on
     * (RFC 9110 §6.5). Its lines are still held to a field's bytes, and to {@link #MAX_HEAD} in all.
     */
    private boolean trailers(ByteBuf in, List<Object> out) throws ResponseHeadParser.Malformed {
        while (true) {
            int from = in.readerIndex();
            int lf = in.indexOf(from, in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                if (searched + in.readableBytes() > MAX_HEAD) {
                    throw new ResponseHeadParser.Malformed("trailers over " + MAX_HEAD + " bytes");
                }
                return false;
            }
            int end = contentEnd(in, from, lf);
            for (int i = from; i < end; i++) {
                if (!ResponseHeadParser.isFieldByte(in.getByte(i))) {
                    throw new ResponseHeadParser.Malformed("trailer line");
                }
            }
            searched += lf + 1 - from;
            in.readerIndex(lf + 1);
            if (end == from) {
                searched = 0;
                state = State.HEAD;
                out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                return true;
            }
            if (searched > MAX_HEAD) {
                throw new ResponseHeadParser.Malformed("trailers over " + MAX_HEAD + " bytes");
            }
        }
    }

    /** The upstream closed: a body delimited by the close is whole now; anything else was cut short. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (state == State.UNTIL_CLOSE) {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            state = State.HEAD;
        }
    }
}
