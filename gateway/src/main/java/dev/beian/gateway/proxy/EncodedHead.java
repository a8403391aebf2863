package dev.beian.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.handler.codec.http.HttpMethod;

/**
 * A message head the gateway wrote as bytes itself ({@link UpstreamRequestHead}, {@link ClientResponseHead}),
 * and how the body after it is framed on this hop ({@link BodyFraming}). Written past Netty's encoders: the
 * gateway chose every field already, and filling a header map only for an encoder to walk it again (Netty's
 * {@code HttpObjectEncoder} alone was 17 % of a forwarded request's user time) was most of what the gateway's
 * own heads cost. A holder, so that a head dropped anywhere is released.
 */
final class EncodedHead extends DefaultByteBufHolder {
    private final HttpMethod method;
    private final boolean chunked;

    /**
     * @param method  the request's method, for the decoder of the answer (a response to HEAD has no body);
     *                null for a response head
     * @param chunked the body follows in the chunked coding, else as it is (a length, or up to the close)
     */
    EncodedHead(ByteBuf bytes, HttpMethod method, boolean chunked) {
        super(bytes);
        this.method = method;
        this.chunked = chunked;
    }

    HttpMethod method() {
        return method;
    }

    boolean chunked() {
        return chunked;
    }
}
