package dev.beian.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/**
 * Right after a stream's frames become an HTTP request: the fields Netty's conversion adds to carry HTTP/2
 * facts in HTTP/1 terms ({@code x-http2-scheme}, {@code x-http2-stream-id}, and the others of
 * {@link ExtensionHeaderNames}) are removed, and with them any a client sent under those names. They are
 * neither the client's fields nor the gateway's: the upstream learns the scheme from X-Forwarded-Proto and
 * Forwarded, which the gateway writes, and an app that reads {@code x-http2-scheme} (Netty-based ones can)
 * must not be told a scheme by a client.
 */
final class Http2ConversionFields extends ChannelInboundHandlerAdapter {
    private static final ExtensionHeaderNames[] NAMES = ExtensionHeaderNames.values();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            HttpHeaders headers = request.headers();
            for (ExtensionHeaderNames name : NAMES) {
                headers.remove(name.text());
            }
        }
        ctx.fireChannelRead(msg);
    }
}
