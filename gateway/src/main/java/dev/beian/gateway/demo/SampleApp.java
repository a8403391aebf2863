package dev.beian.gateway.demo;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import dev.beian.gateway.net.HttpListener;
import dev.beian.gateway.net.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The {@code --demo} app: a tiny HTTP server on upstream {@code default}'s loopback address that says
 * hello and shows what the gateway passed on, so the bundled config answers a forwarded request.
 */
public final class SampleApp {
    private SampleApp() {
    }

    public static HttpListener start(InetSocketAddress address, Transport transport) throws InterruptedException {
        return HttpListener.start("sample-app", address, transport, 1 << 20, Hello::new);
    }

    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String body = "Hello from the beian-gateway sample app.\n"
                    + "host: " + request.headers().get(HttpHeaderNames.HOST) + "\n"
                    + "path: " + request.uri() + "\n"
                    + "x-forwarded-for: " + request.headers().get("X-Forwarded-For") + "\n"
                    + "via: " + request.headers().get(HttpHeaderNames.VIA) + "\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

}
