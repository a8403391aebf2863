package dev.beian.gateway.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * The head a client receives for a forwarded answer (SPEC §7): the upstream's status and end-to-end fields,
 * in its order, without the hop-by-hop ones and those its {@code Connection} names; the framing, {@code Via}
 * and {@code Connection} are the gateway's. On HTTP/1.1 it is written as bytes, each field as the upstream
 * sent it ({@link #encode}); on an HTTP/2 stream as a HEADERS frame of the same fields ({@link #http2}).
 */
final class ClientResponseHead {
    /** Fields of the upstream's that the gateway writes itself: the framing and Via (appended to). */
    private static final AsciiString[] WRITTEN_BY_GATEWAY = {
        HttpHeaderNames.CONTENT_LENGTH,    // RFC 9112 §6.3: the length the gateway parsed, or none
        HttpHeaderNames.VIA,               // RFC 9110 §7.6.3: the upstream's, then this gateway
    };

    private static final AsciiString HTTP_1_1_SP = AsciiString.cached("HTTP/1.1 ");

    /** How the gateway frames the answer's body for the client, and how the connection goes on. */
    record Framing(long length, boolean chunked, String connection) {
    }

    private ClientResponseHead() {
    }

    /** The head as HTTP/1.1 bytes, for a body framed as {@code framing} says: the upstream's fields as received. */
    static EncodedHead encode(UpstreamResponse response, Framing framing, ByteBufAllocator alloc) {
        HeadBytes out = HeadBytes.start().text(HTTP_1_1_SP);
        response.writeStatus(out);
        out.crlf();
        List<String> named = response.connectionTokens();
        for (int i = 0; i < response.fieldCount(); i++) {
            if (HopByHop.crosses(response.name(i), named, WRITTEN_BY_GATEWAY)) {
                response.writeField(i, out);
            }
        }
        if (framing.length() >= 0) {
            out.field(HttpHeaderNames.CONTENT_LENGTH, Long.toString(framing.length()));
        } else if (framing.chunked()) {
            out.field(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        out.field(HttpHeaderNames.VIA, response.joined(HttpHeaderNames.VIA, UpstreamRequestHead.VIA));
        if (framing.connection() != null) {
            out.field(HttpHeaderNames.CONNECTION, framing.connection());
        }
        out.crlf();
        // room for a short body, which goes out in the same buffer (BodyFraming)
        int room = framing.length() >= 0 && framing.length() <= BodyFraming.JOIN_LIMIT ? (int) framing.length() : 0;
        return new EncodedHead(out.toBuffer(alloc, room), null, framing.chunked());
    }

    /**
     * The same fields as a HEADERS frame for an HTTP/2 stream, written past the stream codec (which would
     * convert a response object field by field): names in lower case and no connection-specific field
     * (RFC 9113 §8.2), none of the framing but the length (DATA frames frame the body), no Connection.
     */
    static Http2Headers http2(UpstreamResponse response, Framing framing) {
        // values were checked by ResponseHeadParser; names are checked here, as lower-case tokens
        Http2Headers h = new DefaultHttp2Headers(true, false, response.fieldCount() + 3);
        h.status(HttpResponseStatus.valueOf(response.status()).codeAsText());
        List<String> named = response.connectionTokens();
        for (int i = 0; i < response.fieldCount(); i++) {
            AsciiString name = response.name(i);
            if (HopByHop.crosses(name, named, WRITTEN_BY_GATEWAY)) {
                h.add(name.toLowerCase(), response.value(i));
            }
        }
        if (framing.length() >= 0) {
            h.setLong(HttpHeaderNames.CONTENT_LENGTH, framing.length());
        }
        h.set(HttpHeaderNames.VIA, response.joined(HttpHeaderNames.VIA, UpstreamRequestHead.VIA));
        return h;
    }

    /** RFC 9110 §7.6.3: each intermediary adds itself to Via, in both directions. */
    static String via(HttpHeaders h) {
        return UpstreamRequestHead.append(h, HttpHeaderNames.VIA, UpstreamRequestHead.VIA); // every Via line, in order
    }
}
