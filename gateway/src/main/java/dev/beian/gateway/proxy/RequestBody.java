package dev.beian.gateway.proxy;

import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * A forwarded request's body on its way: how the client framed it, how much has arrived, and the pieces held
 * while there is no upstream connection yet (read whole first within {@code limits.request-buffer}, or
 * arriving while the connection is made). It decides the framing the upstream's head declares
 * ({@link UpstreamRequestHead.Framing}); request trailers are dropped.
 */
final class RequestBody {
    private final boolean chunked;
    private final long declaredLength;
    private ArrayDeque<HttpContent> held;
    private long heldBytes;
    private long bytes;
    private boolean complete;

    RequestBody(HttpRequest request) {
        this.chunked = HttpUtil.isTransferEncodingChunked(request);
        this.declaredLength = chunked ? -1 : HttpUtil.getContentLength(request, -1L);
    }

    /** True when the client announced a body (RFC 9112 §6.3: a request with neither framing has none). */
    boolean announced() {
        return chunked || declaredLength > 0;
    }

    /** True when the body is to be read whole before an upstream connection is taken. */
    boolean readWholeFirst(int requestBuffer) {
        return chunked ? requestBuffer > 0 : declaredLength > 0 && declaredLength <= requestBuffer;
    }

    /** Counts a piece as it arrives. */
    void arrived(HttpContent content) {
        bytes += content.content().readableBytes();
        if (content instanceof LastHttpContent last) {
            complete = true;
            if (!last.trailingHeaders().isEmpty()) {
                last.trailingHeaders().clear();
            }
        }
    }

    /** Keeps a piece until there is a connection to write it to. */
    void hold(HttpContent content) {
        if (held == null) {
            held = new ArrayDeque<>(4);
        }
        held.add(content);
        heldBytes += content.content().readableBytes();
    }

    /** Writes the held pieces after the head; the last write, or {@code head} when none was held. */
    ChannelFuture writeHeld(UpstreamConnection connection, ChannelFuture head) {
        ChannelFuture last = head;
        if (held != null) {
            HttpContent piece;
            while ((piece = held.poll()) != null) {
                last = connection.write(piece);
            }
            held = null;
            heldBytes = 0;
        }
        return last;
    }

    /** Drops what is held: the exchange ended without sending it. */
    void discard() {
        if (held != null) {
            HttpContent piece;
            while ((piece = held.poll()) != null) {
                piece.release();
            }
            held = null;
            heldBytes = 0;
        }
    }

    /** For a repeat on a fresh connection of a request that had no body: its (empty) end, held again. */
    void holdEndAgain() {
        hold(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    long bytes() {
        return bytes;
    }

    long heldBytes() {
        return heldBytes;
    }

    boolean complete() {
        return complete;
    }

    /**
     * The framing for the upstream's head, written now: a chunked body that arrived whole goes with its counted
     * length; otherwise the client's kind of framing, in the gateway's own words.
     */
    UpstreamRequestHead.Framing framing() {
        if (chunked) {
            return complete ? UpstreamRequestHead.Framing.length(bytes) : UpstreamRequestHead.Framing.CHUNKED;
        }
        return declaredLength >= 0 ? UpstreamRequestHead.Framing.length(declaredLength) : UpstreamRequestHead.Framing.NONE;
    }
}
