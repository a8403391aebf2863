package dev.beian.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * Which authority a request is for (SPEC §6 step 1, RFC 9112 §3.2): the target's in absolute form, else
 * the single Host field. Only the characters a host and port can have are accepted here; the normaliser
 * then checks the shape. {@code X-Forwarded-Host}, {@code Forwarded} and the like are never read.
 */
record Authority(String value, String originForm, boolean fromTarget) {

    /** A request whose authority cannot be decided: answered 400. */
    static final class BadAuthority extends Exception {
        private static final long serialVersionUID = 1L;

        BadAuthority(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The authority of {@code request}; null for an HTTP/1.0 request without Host (nothing to decide on:
     * it is treated as unfiled).
     */
    static Authority of(HttpRequest request) throws BadAuthority {
        String uri = request.uri();
        String authority = null;
        String origin = uri;
        boolean absolute = false;
        int scheme = schemeLength(uri);
        if (scheme > 0) {
            int end = uri.length();
            for (int i = scheme; i < uri.length(); i++) {
                char c = uri.charAt(i);
                if (c == '/' || c == '?' || c == '#') {
                    end = i;
                    break;
                }
            }
            authority = uri.substring(scheme, end);
            origin = end == uri.length() ? "/" : uri.charAt(end) == '/' ? uri.substring(end) : "/" + uri.substring(end);
            absolute = true;
        } else if (uri.equals("*")) {
            if (!request.method().equals(HttpMethod.OPTIONS)) {
                throw new BadAuthority("the asterisk form is for OPTIONS only (RFC 9112 §3.2.4)");
            }
        } else if (!uri.startsWith("/")) {
            throw new BadAuthority("request target is neither origin nor absolute form");
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            throw new BadAuthority("more than one Host field");
        }
        if (!absolute) {
            if (hosts.isEmpty()) {
                if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                    return null;
                }
                throw new BadAuthority("no Host field");
            }
            authority = hosts.get(0);
        }
        checkCharacters(authority);
        return new Authority(authority, origin, absolute);
    }

    /** Length of {@code http://} or {@code https://} at the start (any case), else 0. */
    private static int schemeLength(String uri) {
        if (uri.regionMatches(true, 0, "http://", 0, 7)) {
            return 7;
        }
        if (uri.regionMatches(true, 0, "https://", 0, 8)) {
            return 8;
        }
        return 0;
    }

    private static void checkCharacters(String authority) throws BadAuthority {
        if (authority.isEmpty()) {
            throw new BadAuthority("empty host");
        }
        for (int i = 0; i < authority.length(); i++) {
            char c = authority.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == ':' || c == '[' || c == ']';
            if (!ok) {
                throw new BadAuthority("character not allowed in a host");
            }
        }
    }
}
