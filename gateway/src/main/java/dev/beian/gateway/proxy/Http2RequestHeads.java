package dev.beian.gateway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/**
 * A stream's request head becomes an HTTP request here, ahead of Netty's stream codec (which still turns DATA
 * and trailers into HTTP content, and the answers into frames), for three reasons:
 * <ul>
 * <li>The codec converts a head that ends its stream into a full request whose body buffer it allocates
 * before it checks the request line; a {@code :path} with a space or a CR throws there and the buffer leaks.
 * A client could repeat that at will. Here no buffer is made for a head: a bodiless request gets an empty one.
 * <li>{@code :path} becomes the upstream's request line, so it is held to {@link RequestLine}'s rule for an
 * HTTP/1.1 target: no control byte (a tab passed Netty's check and reached the upstream) and no space; and it
 * must be origin form, or {@code *} for OPTIONS (RFC 9113 §8.3.1). {@code :method} must be a token, as the
 * request line's method is.
 * <li>The fields the conversion adds to carry HTTP/2 facts ({@code x-http2-scheme}, {@code x-http2-stream-id},
 * the others of {@link ExtensionHeaderNames}) are removed, and any a client sent under those names: the
 * upstream learns the scheme from X-Forwarded-Proto and Forwarded, and an app that reads
 * {@code x-http2-scheme} (Netty-based ones can) must not be told one by a client.
 * </ul>
 * A head that fails any check, or the conversion's own ({@code :authority} and {@code host} that differ, a CR
 * in a value), becomes a request marked invalid, which {@link FramingEnforcer} answers 400: RFC 9113 §8.1.1
 * lets a server answer a malformed request before it closes the stream, and the operator sees it counted.
 */
final class Http2RequestHeads extends ChannelInboundHandlerAdapter {
    private static final ExtensionHeaderNames[] CONVERSION_FIELDS = ExtensionHeaderNames.values();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame frame && frame.headers().method() != null) {
            ctx.fireChannelRead(request(frame.headers(), frame.stream() == null ? 0 : frame.stream().id(),
                    frame.isEndStream()));
        } else {
            ctx.fireChannelRead(msg); // DATA, trailers: the codec's
        }
    }

    /** The request {@code head} stands for, or one marked invalid with the reason. */
    static HttpRequest request(Http2Headers head, int streamId, boolean endStream) {
        String problem = lineProblem(head);
        HttpRequest request = null;
        if (problem == null) {
            try {
                request = HttpConversionUtil.toHttpRequest(streamId, head, true);
            } catch (Http2Exception | RuntimeException e) {
                problem = String.valueOf(e.getMessage());
            }
        }
        if (problem != null) {
            HttpRequest invalid = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request");
            invalid.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(problem)));
            return invalid;
        }
        HttpHeaders fields = request.headers();
        for (ExtensionHeaderNames name : CONVERSION_FIELDS) {
            fields.remove(name.text());
        }
        if (endStream) {
            return new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                    Unpooled.EMPTY_BUFFER, fields, new DefaultHttpHeaders());
        }
        if (!HttpUtil.isContentLengthSet(request)) {
            fields.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED); // as the codec frames a body
        }
        return request;
    }

    /** Why {@code :method} and {@code :path} cannot be an HTTP/1.1 request line's; null if they can. */
    static String lineProblem(Http2Headers head) {
        CharSequence method = head.method();
        for (int i = 0; i < method.length(); i++) {
            if (!RequestLine.isTchar(method.charAt(i))) {
                return ":method is not a token (RFC 9110 §9.1)";
            }
        }
        CharSequence path = head.path();
        if (path == null || path.length() == 0) {
            return "no :path (RFC 9113 §8.3.1)";
        }
        if (path.length() == 1 && path.charAt(0) == '*') {
            return HttpMethod.OPTIONS.asciiName().contentEquals(head.method()) ? null
                    : ":path * is for OPTIONS only (RFC 9113 §8.3.1)";
        }
        if (path.charAt(0) != '/') {
            return ":path is not origin form (RFC 9113 §8.3.1)";
        }
        for (int i = 0; i < path.length(); i++) {
            int c = path.charAt(i);
            if (c == ' ' || RequestLine.isControl(c)) {
                return (c == ' ' ? "space" : "control byte 0x" + Integer.toHexString(c)) + " in :path";
            }
        }
        return null;
    }
}
