package dev.beian.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The client side's HTTP/1.1 codec: Netty's request decoder and response encoder, as {@code HttpServerCodec}
 * pairs them (a response to HEAD has no body), with two checks added: requests with obsolete line folding
 * (RFC 9112 §5.2) are marked invalid, and so is a request line that is not exactly {@link RequestLine}'s
 * strict form. Netty's decoder unfolds folded lines silently and splits a request line on any whitespace,
 * and a proxy that reads a head differently from its origin is a request-smuggling vector; the spec answers
 * them 400. Response heads are written back byte for byte ({@link Latin1Head}); a forwarded answer's head
 * comes already written ({@link EncodedHead}) and its body is framed by {@link BodyFraming}.
 * Netty's decoder already refuses Content-Length with Transfer-Encoding, differing Content-Lengths, a
 * final coding other than chunked, and bad chunk sizes; {@link FramingEnforcer} turns all of these into
 * a 400 and a close. A coding before the final chunked is marked here too, and becomes a 501 and a close.
 */
final class GatewayServerCodec {
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
    private final Decoder decoder;
    private final Encoder encoder = new Encoder();

    GatewayServerCodec(int maxInitialLineLength, int maxHeaderSize) {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLineLength)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(64 * 1024)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setValidateHeaders(true);
        decoder = new Decoder(config);
    }

    /**
     * The two halves go in the pipeline as handlers of their own, not in a {@code CombinedChannelDuplexHandler}:
     * its delegating contexts cost every message one more hop each way (4 % of a forwarded request's user time).
     */
    Decoder decoder() {
        return decoder;
    }

    Encoder encoder() {
        return encoder;
    }

    /** Thrown into the decoder result of a request whose head used obs-fold. */
    static final class ObsFoldException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ObsFoldException() {
            super("obsolete line folding in the request head (RFC 9112 §5.2)");
        }
    }

    /**
     * Thrown into the decoder result of a request line whose major version is not 1 ({@code HTTP/2.0} in text,
     * {@code HTTP/0.9}): this is an HTTP/1 server, and it answers 505 (RFC 9110 §15.6.6), as nginx does.
     */
    static final class UnsupportedVersionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnsupportedVersionException() {
            super("an HTTP major version other than 1 (RFC 9110 §15.6.6)");
        }
    }

    /**
     * Thrown into the decoder result of a request whose body carries a transfer coding besides chunked
     * ({@code gzip, chunked}): Netty's decoder takes the chunks and drops the rest, so the upstream would get
     * gzip bytes it was never told about. The gateway decodes no coding but chunked, and answers 501 as
     * RFC 9112 §6.1 says and nginx does.
     */
    static final class UnknownCodingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnknownCodingException() {
            super("a transfer coding other than chunked (RFC 9112 §6.1)");
        }
    }

    /**
     * No Transfer-Encoding, or exactly one coding, {@code chunked}, in one field (OWS around it, any case), as
     * nginx reads it.
     * Netty's decoder has already refused a request whose last coding is not chunked; this refuses one with a
     * coding before it.
     */
    static boolean onlyChunked(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
        if (value == null) {
            return true;
        }
        if (headers.getAll(HttpHeaderNames.TRANSFER_ENCODING).size() > 1) {
            return false;
        }
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return end - start == 7 && value.regionMatches(true, start, "chunked", 0, 7);
    }

    final class Decoder extends HttpRequestDecoder {
        /** True between the request line and the end of its head: bytes there are header lines. */
        private boolean inHeaders;
        private boolean folded;
        private ByteBuf current;
        /** Where this decode step began: the request line, and only CR/LF before it, lie at or after it. */
        private int stepStart;

        private ChannelHandlerContext ctx;

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        /**
         * While requests wait their turn ({@link PipelinedRequests}), one message a read: the rest stays here
         * as the bytes it came in, not as request objects.
         */
        void pause() {
            setSingleDecode(true);
        }

        /**
         * The exchange takes messages again: decoding goes on from the bytes that waited, after the event in
         * progress (never inside a decode that is firing its messages, whose order it would break), and only
         * if no pause came in between.
         */
        void resume() {
            if (!isSingleDecode() || ctx == null) {
                return;
            }
            setSingleDecode(false);
            ChannelHandlerContext c = ctx;
            c.executor().execute(() -> {
                if (isSingleDecode() || c.isRemoved() || actualReadableBytes() == 0) {
                    return;
                }
                try {
                    channelRead(c, Unpooled.EMPTY_BUFFER);
                    channelReadComplete(c);
                } catch (Exception e) {
                    c.fireExceptionCaught(e);
                }
            });
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (inHeaders) {
                // The decoder consumes whole header lines only, so the buffer starts at a line start here.
                folded |= hasFold(buffer, true);
            }
            int before = out.size();
            current = buffer;
            stepStart = buffer.readerIndex();
            try {
                super.decode(ctx, buffer, out);
            } finally {
                current = null;
            }
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    inHeaders = false;
                    if (folded && request.decoderResult().isSuccess()) {
                        request.setDecoderResult(DecoderResult.failure(new ObsFoldException()));
                    } else if (request.decoderResult().isSuccess() && !onlyChunked(request.headers())) {
                        request.setDecoderResult(DecoderResult.failure(new UnknownCodingException()));
                    }
                    folded = false;
                    methods.add(request.method());
                }
            }
        }

        @Override
        protected HttpMessage createMessage(String[] initialLine) throws Exception {
            // Called right after the request line is consumed and before the header lines are read.
            inHeaders = true;
            folded = current != null && hasFold(current, false);
            if (current != null) {
                checkRequestLine(current);
            }
            return super.createMessage(initialLine);
        }

        /** The line just consumed ends at the LF before the reader index; throwing makes the request invalid. */
        private void checkRequestLine(ByteBuf buf) {
            int end = buf.readerIndex() - 1; // the LF
            if (end > stepStart && buf.getByte(end - 1) == '\r') {
                end--;
            }
            int start = end;
            while (start > stepStart && buf.getByte(start - 1) != '\n') {
                start--;
            }
            String problem = RequestLine.problem(buf, start, end);
            if (problem != null) {
                throw new IllegalArgumentException(problem + " (RFC 9112 §3)");
            }
            if (buf.getByte(end - 3) != '1') { // HTTP/d.d: the major version
                throw new UnsupportedVersionException();
            }
        }

        /** A header line starting with SP or HTAB before the head's empty line. */
        private boolean hasFold(ByteBuf buf, boolean atLineStart) {
            int end = buf.writerIndex();
            int i = buf.readerIndex();
            if (i < end && atLineStart) {
                byte b = buf.getByte(i);
                if (b == ' ' || b == '\t') {
                    return true;
                }
            }
            for (; i < end; i++) {
                if (buf.getByte(i) == '\n' && i + 1 < end) {
                    byte next = buf.getByte(i + 1);
                    if (next == ' ' || next == '\t') {
                        return true;
                    }
                    if (next == '\r' || next == '\n') {
                        return false; // end of the head
                    }
                }
            }
            return false;
        }
    }

    final class Encoder extends HttpResponseEncoder {
        private final BodyFraming relayed = new BodyFraming(true);
        private HttpMethod method;

        /**
         * An answer already encoded ({@link EncodedAnswer}), or a forwarded answer's head the gateway wrote
         * ({@link EncodedHead}) and then its body, go out past Netty's encoder, answering the oldest request.
         */
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof EncodedAnswer encoded) {
                relayed.letGo(ctx);
                method = methods.poll();
                ctx.write(encoded.content(), promise);
                return;
            }
            if (msg instanceof EncodedHead head) {
                method = methods.poll();
                relayed.begin(ctx, head, promise);
                return;
            }
            // a piece of the relayed body; a whole response (one the gateway answers itself) never is one
            if (relayed.active() && msg instanceof HttpContent content && !(msg instanceof HttpMessage)) {
                relayed.write(ctx, content, promise);
                return;
            }
            relayed.letGo(ctx);
            super.write(ctx, msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            relayed.letGo(ctx);
            ctx.flush();
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
            relayed.discard(); // what was written and not flushed is dropped by the close as well
            super.close(ctx, promise);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
            relayed.discard();
            super.handlerRemoved(ctx);
        }

        @Override
        protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
            Latin1Head.writeHeaders(headers, buf);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg);
            }
            method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}
