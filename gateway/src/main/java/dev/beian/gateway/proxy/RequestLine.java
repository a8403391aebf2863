package dev.beian.gateway.proxy;

import io.netty.buffer.ByteBuf;

/**
 * The request line exactly as RFC 9112 §3 draws it: {@code method SP request-target SP HTTP-version}, one
 * space each, a method of token characters, a target without control bytes or spaces, {@code HTTP/d.d}.
 * Netty's decoder splits the line on any run of whitespace and lets control bytes through in the target;
 * two parsers that split one line differently (a tab taken as a separator by one and as part of the path
 * by the other) is how requests get smuggled, so the gateway accepts only the one strict form. Bytes
 * 0x80-0xFF are allowed in the target (some clients send raw UTF-8) and are passed on as received.
 */
final class RequestLine {
    /** RFC 9110 §5.6.2 tchar. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private RequestLine() {
    }

    /** Why the line in {@code buf[start, end)} (without its CRLF) is not a strict request line; null if it is. */
    static String problem(ByteBuf buf, int start, int end) {
        int i = start;
        while (i < end && isTchar(buf.getByte(i))) {
            i++;
        }
        if (i == start) {
            return "request line does not start with a method";
        }
        if (i == end || buf.getByte(i) != ' ') {
            return "method not followed by one space";
        }
        int target = ++i;
        while (i < end) {
            int b = buf.getByte(i) & 0xFF;
            if (b == ' ') {
                break;
            }
            if (isControl(b)) {
                return "control byte 0x" + Integer.toHexString(b) + " in the request target";
            }
            i++;
        }
        if (i == target) {
            return "empty request target, or two spaces after the method";
        }
        if (i == end) {
            return "no HTTP version after the request target";
        }
        i++; // the space
        if (end - i != 8 || buf.getByte(i) != 'H' || buf.getByte(i + 1) != 'T' || buf.getByte(i + 2) != 'T'
                || buf.getByte(i + 3) != 'P' || buf.getByte(i + 4) != '/' || !isDigit(buf.getByte(i + 5))
                || buf.getByte(i + 6) != '.' || !isDigit(buf.getByte(i + 7))) {
            return "HTTP version is not HTTP/d.d after exactly one space";
        }
        return null;
    }

    /** A control byte (0x00-0x1F, 0x7F): never in a request target (RFC 9112 §3.2, RFC 9110 §5.6.2). */
    static boolean isControl(int b) {
        return b < 0x20 || b == 0x7F;
    }

    /** A token character (RFC 9110 §5.6.2): what a method is made of. */
    static boolean isTchar(int b) {
        return b > 0 && b < 128 && TCHAR[b];
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
