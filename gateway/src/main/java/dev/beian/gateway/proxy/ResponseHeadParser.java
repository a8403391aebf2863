package dev.beian.gateway.proxy;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an upstream's response head (RFC 9112 §4, §5) from the bytes of a whole head, status line to the empty
 * line. Strict where a laxer reading would let an upstream bend what the client or the pool sees: a byte that
 * is not a field's (a bare CR, NUL, any control but HTAB) would reach the client's head; whitespace before a
 * colon, obs-fold, or a framing that two readers could take two ways (Content-Length with Transfer-Encoding,
 * two different lengths, a coding other than chunked) could split one answer into two on a pooled connection.
 * Each is refused, as nginx refuses them from an upstream ({@code upstream sent invalid header}): a 502.
 * A line may end in a bare LF (RFC 9112 §2.2).
 */
final class ResponseHeadParser {
    /** Why a head was refused. Cheap: no stack trace, thrown on input an upstream controls. */
    static final class Malformed extends Exception {
        Malformed(String why) {
            super(why, null, false, false);
        }
    }

    /** RFC 9110 §5.6.2: token characters, which a field name is made of. */
    private static final boolean[] TCHAR = new boolean[256];
    /** RFC 9110 §5.5: VCHAR, obs-text, SP and HTAB, which a field value (and a reason phrase) is made of. */
    private static final boolean[] FIELD = new boolean[256];

    static {
        for (int c = '!'; c <= '~'; c++) {
            TCHAR[c] = "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
        for (int c = 0x21; c <= 0xff; c++) {
            FIELD[c] = c != 0x7f;
        }
        FIELD[' '] = true;
        FIELD['\t'] = true;
    }

    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString TRANSFER_ENCODING = AsciiString.cached("transfer-encoding");
    private static final AsciiString CONNECTION = AsciiString.cached("connection");
    private static final AsciiString CHUNKED = AsciiString.cached("chunked");
    private static final AsciiString CLOSE = AsciiString.cached("close");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");

    private ResponseHeadParser() {
    }

    /** {@code head[0, length)} ends with an empty line (the decoder found it). */
    static UpstreamResponse parse(byte[] head, int length) throws Malformed {
        int lf = lineFeed(head, 0, length);
        int e = contentEnd(head, lf);
        // HTTP-version SP status-code [SP reason-phrase]: "HTTP/1.1 200 OK"
        if (e < 12 || !startsWith(head, "HTTP/1.") || !digit(head[7]) || head[8] != ' '
                || !digit(head[9]) || !digit(head[10]) || !digit(head[11]) || (e > 12 && head[12] != ' ')) {
            throw new Malformed("status line");
        }
        int status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        if (status < 100 || status > 599) { // RFC 9110 §15
            throw new Malformed("status code");
        }
        int reasonStart = Math.min(13, e);
        int reasonEnd = e;
        check(head, reasonStart, e, FIELD, "reason phrase");
        boolean http10 = head[7] == '0';

        int[] fields = new int[64]; // 16 fields before it grows
        int count = 0;
        long contentLength = -1;
        boolean transferEncoding = false;
        boolean chunked = false;
        boolean close = false;
        boolean keepAliveToken = false;
        List<String> tokens = List.of();
        for (int p = lf + 1; head[p] != '\n' && !(head[p] == '\r' && head[p + 1] == '\n'); p = lf + 1) {
            lf = lineFeed(head, p, length);
            e = contentEnd(head, lf);
            int q = p;
            while (q < e && TCHAR[head[q] & 0xff]) {
                q++;
            }
            if (q == p || q == e || head[q] != ':') { // also obs-fold (a line starting with SP or HTAB)
                throw new Malformed("field line");
            }
            int nameEnd = q++;
            while (q < e && (head[q] == ' ' || head[q] == '\t')) {
                q++;
            }
            int valueEnd = e;
            while (valueEnd > q && (head[valueEnd - 1] == ' ' || head[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            check(head, q, valueEnd, FIELD, "field value");
            if (count * 4 == fields.length) {
                fields = Arrays.copyOf(fields, fields.length * 2);
            }
            int at = count++ * 4;
            fields[at] = p;
            fields[at + 1] = nameEnd;
            fields[at + 2] = q;
            fields[at + 3] = valueEnd;
            int nameLength = nameEnd - p;
            if (nameLength == 14 && is(head, p, CONTENT_LENGTH)) {
                contentLength = length(head, q, valueEnd, contentLength);
            } else if (nameLength == 17 && is(head, p, TRANSFER_ENCODING)) {
                if (transferEncoding || valueEnd - q != 7 || !is(head, q, CHUNKED)) {
                    throw new Malformed("transfer coding"); // RFC 9112 §6.3: only chunked frames a body
                }
                transferEncoding = true;
                chunked = true;
            } else if (nameLength == 10 && is(head, p, CONNECTION)) {
                for (int t = q, comma; t < valueEnd; t = comma + 1) {
                    comma = t;
                    while (comma < valueEnd && head[comma] != ',') {
                        comma++;
                    }
                    int from = t;
                    int to = comma;
                    while (from < to && (head[from] == ' ' || head[from] == '\t')) {
                        from++;
                    }
                    while (to > from && (head[to - 1] == ' ' || head[to - 1] == '\t')) {
                        to--;
                    }
                    if (to - from == 10 && is(head, from, KEEP_ALIVE)) {
                        keepAliveToken = true; // names only Keep-Alive, hop-by-hop anyway: no list for it
                    } else if (to > from) {
                        close |= to - from == 5 && is(head, from, CLOSE);
                        tokens = tokens.isEmpty() ? new ArrayList<>(2) : tokens;
                        tokens.add(new String(head, from, to - from, StandardCharsets.ISO_8859_1));
                    }
                }
            }
        }
        if (chunked && (contentLength >= 0 || http10)) {
            throw new Malformed("Content-Length with Transfer-Encoding"); // RFC 9112 §6.1, §6.3
        }
        boolean keepAlive = http10 ? keepAliveToken && !close : !close;
        return new UpstreamResponse(head, status, http10, reasonStart, reasonEnd, fields, count, contentLength,
                chunked, keepAlive, tokens);
    }

    /**
     * RFC 9110 §8.6: 1*DIGIT; a list of equal values (two copies of the field, or {@code "5, 5"}) is one
     * length, different ones are refused.
     */
    private static long length(byte[] head, int from, int to, long seen) throws Malformed {
        long length = seen;
        int p = from;
        while (true) {
            while (p < to && (head[p] == ' ' || head[p] == '\t')) {
                p++;
            }
            int digits = p;
            long value = 0;
            while (p < to && digit(head[p]) && p - digits < 18) {
                value = value * 10 + (head[p++] - '0');
            }
            if (p == digits) {
                throw new Malformed("Content-Length");
            }
            while (p < to && (head[p] == ' ' || head[p] == '\t')) {
                p++;
            }
            if (length >= 0 && value != length) {
                throw new Malformed("two Content-Length");
            }
            length = value;
            if (p == to) {
                return length;
            }
            if (head[p++] != ',') {
                throw new Malformed("Content-Length");
            }
        }
    }

    private static int lineFeed(byte[] head, int from, int length) {
        for (int i = from; i < length; i++) {
            if (head[i] == '\n') {
                return i;
            }
        }
        throw new IllegalArgumentException("not a whole head"); // the decoder hands over whole heads only
    }

    /** Where a line's content ends: before its CR LF, or its bare LF. */
    private static int contentEnd(byte[] head, int lf) {
        return lf > 0 && head[lf - 1] == '\r' ? lf - 1 : lf;
    }

    /** A byte a field value may hold (VCHAR, obs-text, SP, HTAB): no CR, LF, NUL or other control. */
    static boolean isFieldByte(byte b) {
        return FIELD[b & 0xff];
    }

    private static void check(byte[] head, int from, int to, boolean[] allowed, String what) throws Malformed {
        for (int i = from; i < to; i++) {
            if (!allowed[head[i] & 0xff]) {
                throw new Malformed(what);
            }
        }
    }

    /**
     * {@code lower} at {@code from}, in any case. Exact for a {@code lower} of lower-case letters and {@code -}
     * over checked bytes: {@code b | 0x20} is a lower-case letter only for that letter in either case, and
     * {@code -} only for {@code -} or CR, which no checked name or value holds.
     */
    static boolean is(byte[] head, int from, AsciiString lower) {
        for (int i = 0; i < lower.length(); i++) {
            if ((head[from + i] | 0x20) != lower.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] head, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (head[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }
}
