package dev.beian.gateway.proxy;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An upstream's response head as {@link ResponseHeadParser} read it: the bytes as received, where each field
 * lies in them, and the facts the gateway acts on (status, framing, keep-alive, the {@code Connection}
 * tokens). No header map: the answer head the client receives is written from these bytes
 * ({@link ClientResponseHead}), so a field is validated once and copied once. Only a 101 needs the object
 * ({@link #toHttpResponse}), for the tunnel.
 */
final class UpstreamResponse {
    private final byte[] head;
    private final int status;
    private final boolean http10;
    private final int reasonStart;
    private final int reasonEnd;
    /** Per field: name start, name end, value start, value end. */
    private final int[] fields;
    private final int count;
    private final long contentLength;
    private final boolean chunked;
    private final boolean keepAlive;
    private final List<String> connectionTokens;

    UpstreamResponse(byte[] head, int status, boolean http10, int reasonStart, int reasonEnd, int[] fields,
                     int count, long contentLength, boolean chunked, boolean keepAlive, List<String> connectionTokens) {
        this.head = head;
        this.status = status;
        this.http10 = http10;
        this.reasonStart = reasonStart;
        this.reasonEnd = reasonEnd;
        this.fields = fields;
        this.count = count;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.keepAlive = keepAlive;
        this.connectionTokens = connectionTokens;
    }

    int status() {
        return status;
    }

    /** A 1xx other than 101: an interim answer, followed by the real one. */
    boolean interim() {
        return status < 200 && status != 101;
    }

    /** The body is in the chunked coding. */
    boolean chunked() {
        return chunked;
    }

    /** The Content-Length (every copy of it agreed), or -1. */
    long contentLength() {
        return contentLength;
    }

    /** The upstream will keep the connection open after this answer (RFC 9112 §9.3). */
    boolean keepAlive() {
        return keepAlive;
    }

    /**
     * The field names its Connection field lists, as written, but {@code keep-alive} (which names a field
     * that is hop-by-hop anyway).
     */
    List<String> connectionTokens() {
        return connectionTokens;
    }

    int fieldCount() {
        return count;
    }

    /** Field {@code i}'s name: a view of the received bytes. */
    AsciiString name(int i) {
        int at = i * 4;
        return new AsciiString(head, fields[at], fields[at + 1] - fields[at], false);
    }

    /** Whether field {@code i} is named {@code lower} (a lower-case name), in any case; no view is made. */
    private boolean isNamed(int i, AsciiString lower) {
        int at = i * 4;
        return fields[at + 1] - fields[at] == lower.length() && ResponseHeadParser.is(head, fields[at], lower);
    }

    /** Field {@code i} as received, with {@code ": "} between its name and its trimmed value. */
    void writeField(int i, HeadBytes out) {
        int at = i * 4;
        out.bytes(head, fields[at], fields[at + 1] - fields[at]).colonSp()
                .bytes(head, fields[at + 2], fields[at + 3] - fields[at + 2]).crlf();
    }

    /** The status code and reason as received ({@code "200 OK"}). */
    void writeStatus(HeadBytes out) {
        out.bytes(head, 9, 3).sp().bytes(head, reasonStart, reasonEnd - reasonStart);
    }

    /**
     * Every non-blank value of the field named {@code name} (any case), stripped, in order, joined by
     * {@code ", "}, then {@code own}: a list field the gateway appends itself to (Via, RFC 9110 §7.6.3).
     */
    String joined(AsciiString name, String own) {
        StringBuilder sb = null;
        for (int i = 0; i < count; i++) {
            if (isNamed(i, name)) {
                String v = text(i).strip();
                if (!v.isEmpty()) {
                    sb = (sb == null ? new StringBuilder() : sb).append(v).append(", ");
                }
            }
        }
        return sb == null ? own : sb.append(own).toString();
    }

    private String text(int i) {
        int at = i * 4;
        return new String(head, fields[at + 2], fields[at + 3] - fields[at + 2], StandardCharsets.ISO_8859_1);
    }

    /** Field {@code i}'s value, trimmed: a view of the received bytes. */
    AsciiString value(int i) {
        int at = i * 4;
        return new AsciiString(head, fields[at + 2], fields[at + 3] - fields[at + 2], false);
    }

    /** The head as Netty's object, for a 101's tunnel. */
    HttpResponse toHttpResponse() {
        String reason = new String(head, reasonStart, reasonEnd - reasonStart, StandardCharsets.ISO_8859_1);
        HttpResponse r = new DefaultHttpResponse(http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1,
                new HttpResponseStatus(status, reason));
        for (int i = 0; i < count; i++) {
            r.headers().add(name(i).toString(), text(i));
        }
        return r;
    }
}
