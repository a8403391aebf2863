package dev.beian.host;

import java.net.IDN;

/**
 * SPEC §6 steps 1-2 for one raw host value: split off and check the port, lower-case, drop one trailing
 * dot, convert IDN to ASCII, recognise IPv4 and bracketed IPv6 literals, and reject everything that is not
 * a valid host name (empty labels, spaces, {@code _}, {@code <}, labels over 63 or names over 253 octets).
 *
 * <p>The common case, a lower-case ASCII name without port, returns without allocating a new string:
 * this runs for every request whose host is not in the decision cache.
 */
public final class HostNormalizer {
    static final int MAX_LABEL = 63;
    static final int MAX_NAME = 253;

    private HostNormalizer() {
    }

    /** A Host header value or request-target authority: {@code host}, {@code host:port}, {@code [v6]:port}. */
    public static NormalizedHost normalizeAuthority(String raw) {
        return normalize(raw, true);
    }

    /** A registry domain: like an authority, but a port is an error. */
    public static NormalizedHost normalizeDomain(String raw) {
        return normalize(raw, false);
    }

    private static NormalizedHost normalize(String raw, boolean portAllowed) {
        if (raw == null || raw.isEmpty()) {
            return NormalizedHost.invalid("empty host");
        }
        if (raw.charAt(0) == '[') {
            int close = raw.indexOf(']');
            if (close < 0) {
                return NormalizedHost.invalid("unclosed '[' in IPv6 literal");
            }
            String problem = checkPort(raw, close + 1, portAllowed);
            if (problem != null) {
                return NormalizedHost.invalid(problem);
            }
            String literal = raw.substring(1, close);
            if (!isIpv6(literal)) {
                return NormalizedHost.invalid("not a valid IPv6 literal");
            }
            return NormalizedHost.ip(NormalizedHost.Kind.IPV6, "[" + toLowerAscii(literal) + "]");
        }
        int colon = raw.indexOf(':');
        String host = raw;
        if (colon >= 0) {
            String problem = checkPort(raw, colon, portAllowed);
            if (problem != null) {
                return NormalizedHost.invalid(problem);
            }
            host = raw.substring(0, colon);
        }
        if (!isAscii(host)) {
            try {
                host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return NormalizedHost.invalid("not a valid internationalised domain name");
            }
        }
        return normalizeAsciiName(host);
    }

    private static String checkPort(String raw, int at, boolean portAllowed) {
        if (at == raw.length()) {
            return null;
        }
        if (raw.charAt(at) != ':') {
            return "unexpected '" + raw.charAt(at) + "' after the host";
        }
        if (!portAllowed) {
            return "a port is not allowed here";
        }
        int digits = raw.length() - at - 1;
        if (digits > 5) {
            return "port out of range";
        }
        int port = 0;
        for (int i = at + 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                return "port is not a number";
            }
            port = port * 10 + (c - '0');
        }
        return port > 65535 ? "port out of range" : null;
    }

    private static NormalizedHost normalizeAsciiName(String host) {
        int end = host.length();
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        if (end == 0) {
            return NormalizedHost.invalid("empty host");
        }
        if (end > MAX_NAME) {
            return NormalizedHost.invalid("host name longer than " + MAX_NAME + " characters");
        }
        boolean needsLowering = false;
        boolean labelAllDigits = true;
        int labels = 1;
        boolean allLabelsNumeric = true;
        int labelStart = 0;
        for (int i = 0; i <= end; i++) {
            char c = i < end ? host.charAt(i) : '.';
            if (c == '.') {
                int len = i - labelStart;
                if (len == 0) {
                    return NormalizedHost.invalid("empty label");
                }
                if (len > MAX_LABEL) {
                    return NormalizedHost.invalid("label longer than " + MAX_LABEL + " characters");
                }
                if (host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-') {
                    return NormalizedHost.invalid("label starts or ends with '-'");
                }
                allLabelsNumeric &= labelAllDigits;
                if (i < end) {
                    labels++;
                    labelStart = i + 1;
                    labelAllDigits = true;
                }
            } else if (c >= 'a' && c <= 'z' || c == '-') {
                labelAllDigits = false;
            } else if (c >= '0' && c <= '9') {
                // digits keep labelAllDigits as it is
            } else if (c >= 'A' && c <= 'Z') {
                needsLowering = true;
                labelAllDigits = false;
            } else {
                return NormalizedHost.invalid("character '" + printable(c) + "' is not allowed in a host name");
            }
        }
        String name = end == host.length() ? host : host.substring(0, end);
        if (needsLowering) {
            name = toLowerAscii(name);
        }
        if (labelAllDigits) {
            // The last label is numeric: that is an IPv4 address or nothing (no top-level domain is numeric).
            if (allLabelsNumeric && labels == 4 && isIpv4(name)) {
                return NormalizedHost.ip(NormalizedHost.Kind.IPV4, name);
            }
            return NormalizedHost.invalid("not a valid IPv4 address or host name");
        }
        return NormalizedHost.name(name);
    }

    static boolean isIpv4(String s) {
        int octets = 0;
        int i = 0;
        while (i <= s.length()) {
            int start = i;
            int value = 0;
            while (i < s.length() && s.charAt(i) != '.') {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
                value = value * 10 + (c - '0');
                if (value > 255) {
                    return false;
                }
                i++;
            }
            int len = i - start;
            if (len == 0 || len > 1 && s.charAt(start) == '0') {
                return false; // empty, or a leading zero that some stacks read as octal
            }
            octets++;
            i++;
        }
        return octets == 4;
    }

    /** RFC 3986 §3.2.2 IPv6address, without zone identifiers or IPvFuture. */
    static boolean isIpv6(String s) {
        if (s.isEmpty()) {
            return false;
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        int groups = 0;
        int i = 0;
        int n = s.length();
        if (doubleColon == 0) {
            i = 2;
            if (i == n) {
                return true;
            }
        } else if (s.charAt(0) == ':') {
            return false;
        }
        while (i < n) {
            int start = i;
            while (i < n && s.charAt(i) != ':' && s.charAt(i) != '.') {
                if (Character.digit(s.charAt(i), 16) < 0) {
                    return false;
                }
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // embedded IPv4 must be the last part
                if (!isIpv4(s.substring(start))) {
                    return false;
                }
                groups += 2;
                break;
            }
            int len = i - start;
            if (len == 0 || len > 4) {
                return false;
            }
            groups++;
            if (i == n) {
                break;
            }
            // s.charAt(i) == ':'
            if (i == doubleColon) {
                i += 2;
                if (i == n) {
                    break;
                }
            } else {
                i++;
                if (i == n) {
                    return false; // trailing single colon
                }
            }
        }
        return doubleColon >= 0 ? groups < 8 : groups == 8;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String toLowerAscii(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c >= 'A' && c <= 'Z') {
                chars[i] = (char) (c + 32);
            }
        }
        return new String(chars);
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c);
    }

    /**
     * A normalised host as its owner knows it (SPEC §7): an IDN in its Unicode form with the ASCII form beside
     * it ({@code 示例.中国 (xn--fsq092h.xn--fiqs8s)}); an ASCII name as it is.
     */
    public static String shown(String asciiHost) {
        if (!asciiHost.contains("xn--")) {
            return asciiHost;
        }
        try {
            String unicode = java.net.IDN.toUnicode(asciiHost, java.net.IDN.ALLOW_UNASSIGNED);
            return unicode.equals(asciiHost) ? asciiHost : unicode + " (" + asciiHost + ")";
        } catch (IllegalArgumentException e) {
            return asciiHost;
        }
    }
}
