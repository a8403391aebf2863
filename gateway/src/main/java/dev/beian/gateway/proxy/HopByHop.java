package dev.beian.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;

/**
 * Header fields that describe one connection, not the message, and so never cross the gateway
 * (RFC 9110 §7.6.1): the fixed ones below and every field the {@code Connection} field names.
 */
final class HopByHop {
    /** The hop-by-hop fields, each with where it is defined. */
    private static final AsciiString[] FIELDS = {
        HttpHeaderNames.CONNECTION,          // RFC 9110 §7.6.1
        AsciiString.cached("proxy-connection"), // RFC 9112 Appendix C.2.2: sent by old clients, never end-to-end
        AsciiString.cached("keep-alive"),    // RFC 9112 Appendix C.2.2; RFC 2068 §19.7.1
        HttpHeaderNames.TE,                  // RFC 9110 §10.1.4
        HttpHeaderNames.TRAILER,             // RFC 9110 §6.6.2 (trailers are not forwarded)
        HttpHeaderNames.TRANSFER_ENCODING,   // RFC 9112 §6.1: framing of this hop; re-applied per hop
        HttpHeaderNames.UPGRADE,             // RFC 9110 §7.8: only websocket is passed, by the caller
        HttpHeaderNames.PROXY_AUTHORIZATION, // RFC 9110 §11.7.2: credentials for this proxy, not the origin
        HttpHeaderNames.PROXY_AUTHENTICATE,  // RFC 9110 §11.7.1
    };

    /**
     * {@link #FIELDS} by the length of their names: most fields of a head (Date, Server, Content-Type, ...)
     * have a length no hop-by-hop name has, and are let through without a comparison.
     */
    private static final AsciiString[][] BY_LENGTH = byLength(FIELDS);

    private HopByHop() {
    }

    private static AsciiString[][] byLength(AsciiString[] fields) {
        int longest = 0;
        for (AsciiString f : fields) {
            longest = Math.max(longest, f.length());
        }
        AsciiString[][] table = new AsciiString[longest + 1][];
        for (int n = 0; n <= longest; n++) {
            int length = n;
            table[n] = java.util.Arrays.stream(fields).filter(f -> f.length() == length).toArray(AsciiString[]::new);
        }
        return table;
    }

    /** Removes the hop-by-hop fields, including those the Connection field names (a response's head). */
    static void strip(HttpHeaders headers) {
        for (String name : connectionTokens(headers)) {
            headers.remove(name);
        }
        for (AsciiString field : FIELDS) {
            headers.remove(field);
        }
    }

    /** True for a fixed hop-by-hop field name (any case). */
    static boolean isHopByHop(CharSequence name) {
        int n = name.length();
        return n < BY_LENGTH.length && isListed(BY_LENGTH[n], name);
    }

    /**
     * Whether a field of the far side's goes into a head the gateway writes: not hop-by-hop, not named by its
     * {@code Connection} ({@code named}: {@link #connectionTokens}), and not one the gateway writes itself.
     */
    static boolean crosses(CharSequence name, List<String> named, AsciiString[] writtenByGateway) {
        return !isHopByHop(name) && !isListed(writtenByGateway, name) && (named.isEmpty() || !isNamed(named, name));
    }

    private static boolean isListed(AsciiString[] fields, CharSequence name) {
        for (AsciiString field : fields) {
            if (field.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** The field names the Connection field lists, as written. */
    static List<String> connectionTokens(HttpHeaders headers) {
        List<String> named = List.of();
        if (!headers.contains(HttpHeaderNames.CONNECTION)) {
            return named; // the common request: nothing to look up or split
        }
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                String name = token.strip();
                if (!name.isEmpty()) {
                    if (named.isEmpty()) {
                        named = new ArrayList<>(2);
                    }
                    named.add(name);
                }
            }
        }
        return named;
    }

    /** True when {@code name} is one of the {@link #connectionTokens} (case-insensitive). */
    private static boolean isNamed(List<String> named, CharSequence name) {
        for (int i = 0; i < named.size(); i++) {
            if (AsciiString.contentEqualsIgnoreCase(named.get(i), name)) {
                return true;
            }
        }
        return false;
    }

    /** True when the Connection field lists {@code token} (case-insensitive). */
    static boolean connectionHas(HttpHeaders headers, String token) {
        for (String t : connectionTokens(headers)) {
            if (t.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
