package dev.beian.gateway.proxy;

import dev.beian.gateway.config.GatewayConfig.Underscores;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The head an upstream receives, written by the gateway from what it parsed and decided (SPEC §7): never
 * the client's head edited in place. Host is the authority the decision was made on; the framing is the
 * gateway's own ({@link Framing}); X-Forwarded-*, Forwarded and Via are the gateway's. Of the client's
 * fields only end-to-end ones are copied, in the client's order: not the hop-by-hop ones, not those its
 * {@code Connection} names, not those the gateway writes itself (so that no {@code Connection} token can
 * remove Host or the framing from what the upstream sees), and not names with an underscore unless
 * {@code limits.underscores-in-headers: pass} (some app stacks read {@code Transfer_Encoding} as
 * {@code Transfer-Encoding}).
 */
final class UpstreamRequestHead {
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString FORWARDED_FOR = AsciiString.cached("Forwarded: for=");
    /**
     * Fields the gateway writes itself: a client's copies are never passed on as they are. X-Forwarded-For
     * and Via keep the client's values, to which the gateway appends its own.
     */
    private static final AsciiString[] WRITTEN_BY_GATEWAY = {
        HttpHeaderNames.HOST,               // RFC 9112 §3.2.2: the authority the decision was made on
        HttpHeaderNames.CONTENT_LENGTH,     // RFC 9112 §6: framing is per hop, written from the parsed body
        HttpHeaderNames.TRANSFER_ENCODING,  // RFC 9112 §6.1
        HttpHeaderNames.EXPECT,             // RFC 9110 §10.1.1: 100-continue is answered by the gateway
        X_FORWARDED_FOR,
        AsciiString.cached("x-forwarded-proto"),
        AsciiString.cached("x-forwarded-host"),
        AsciiString.cached("forwarded"),    // RFC 7239: replaced, never trusted from a client
        HttpHeaderNames.VIA,                // RFC 9110 §7.6.3
    };
    /** This gateway in Via, in both directions (RFC 9110 §7.6.3). */
    static final String VIA = "1.1 beian-gateway";
    private static final AsciiString HTTP_1_1_CRLF = AsciiString.cached(" HTTP/1.1\r\n");
    /** How the body goes to the upstream: none, a length the gateway counted or was told, or chunked. */
    record Framing(long length, boolean chunked) {
        static final Framing NONE = new Framing(-1, false);
        static final Framing CHUNKED = new Framing(-1, true);

        static Framing length(long length) {
            return new Framing(length, false);
        }
    }

    private UpstreamRequestHead() {
    }

    /**
     * The head, as the bytes the upstream receives: request line, fields, empty line. Field text is written
     * as the bytes it was read from ({@link HeadBytes}).
     *
     * @param client    the client's address, appended to X-Forwarded-For
     * @param https     the client came over TLS
     * @param websocket a WebSocket upgrade the gateway passes on
     */
    static EncodedHead of(HttpRequest request, Authority authority, String client, boolean https, Framing framing,
                          Underscores underscores, boolean websocket, ByteBufAllocator alloc) {
        String proto = https ? "https" : "http";
        HttpHeaders from = request.headers();
        String target = authority.fromTarget() ? authority.originForm() : request.uri();
        HeadBytes out = HeadBytes.start();
        out.text(request.method().asciiName()).sp().text(target).text(HTTP_1_1_CRLF);
        out.field(HttpHeaderNames.HOST, authority.value());
        List<String> named = HopByHop.connectionTokens(from);
        Iterator<Map.Entry<CharSequence, CharSequence>> it = from.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> f = it.next();
            CharSequence name = f.getKey();
            if (HopByHop.crosses(name, named, WRITTEN_BY_GATEWAY)
                    && (underscores == Underscores.PASS || !hasUnderscore(name))) {
                out.field(name, f.getValue());
            }
        }
        if (framing.chunked()) {
            out.field(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (framing.length() >= 0) {
            out.field(HttpHeaderNames.CONTENT_LENGTH, Long.toString(framing.length()));
        }
        if (websocket) {
            out.field(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            out.field(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        out.field("X-Forwarded-For", append(from, X_FORWARDED_FOR, client));
        out.field("X-Forwarded-Proto", proto);
        out.field("X-Forwarded-Host", authority.value());
        forwarded(out, client, proto, authority.value());
        out.field(HttpHeaderNames.VIA, append(from, HttpHeaderNames.VIA, VIA));
        out.crlf();
        return new EncodedHead(out.toBuffer(alloc), request.method(), framing.chunked());
    }

    /** True when the client's head has a field name with an underscore ({@code reject} answers it 400). */
    static boolean hasUnderscoreName(HttpHeaders headers) {
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            if (hasUnderscore(it.next().getKey())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasUnderscore(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '_') {
                return true;
            }
        }
        return false;
    }

    /** The far side's values of a list field, then the gateway's own; just the own one when it sent none. */
    static String append(HttpHeaders from, AsciiString name, String own) {
        if (!from.contains(name)) {
            return own; // the common case: no list to copy
        }
        StringBuilder sb = new StringBuilder();
        for (String v : from.getAll(name)) {
            if (!v.isBlank()) {
                sb.append(v.strip()).append(", ");
            }
        }
        return sb.append(own).toString();
    }

    /**
     * {@code Forwarded: for=…;proto=…;host=…} (RFC 7239 §4), written into the head as it goes: an IPv6 node is
     * bracketed and quoted (§6), and so is a host with a port's colon or an IPv6 literal (not a token).
     */
    private static void forwarded(HeadBytes out, String client, String proto, String host) {
        out.text(FORWARDED_FOR);
        if (client.indexOf(':') >= 0) {
            out.text("\"[").text(client).text("]\"");
        } else {
            out.text(client);
        }
        out.text(";proto=").text(proto).text(";host=");
        if (needsQuotes(host)) {
            out.text("\"").text(host).text("\"");
        } else {
            out.text(host);
        }
        out.crlf();
    }

    private static boolean needsQuotes(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ':' || c == '[' || c == ']') {
                return true;
            }
        }
        return false;
    }
}
