package dev.beian.gateway.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream for the integration tests, on an ephemeral loopback port. Routes:
 * {@code /echo} (the request as the upstream saw it, as text), {@code /upload} (SHA-256 of the body,
 * streamed), {@code /download?size=N} (N deterministic bytes, streamed with backpressure),
 * {@code /slow?ms=N}, {@code /stall-body} (a head and 10 of 1000 bytes, then silence), {@code /slow-upload} (reads the body at a trickle), {@code /reset} (closes with RST before answering), {@code /close-second} (answers
 * the first request of a connection, resets on any later one), {@code /nolength} (a body
 * delimited by closing), {@code /ws} (WebSocket echo). It counts connections opened and closed.
 */
public final class TestUpstream implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;
    public final AtomicInteger opened = new AtomicInteger();
    public final AtomicInteger closed = new AtomicInteger();
    /** Requests per path, as the upstream saw them. */
    public final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    public TestUpstream() throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        opened.incrementAndGet();
                        ch.closeFuture().addListener(f -> closed.incrementAndGet());
                        ch.pipeline().addLast("http", new HttpServerCodec());
                        ch.pipeline().addLast("router", new Router());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /** Every request received so far, on any path. */
    public int requests() {
        return hits.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Deterministic content of byte {@code i} of a download. */
    public static byte byteAt(long i) {
        return (byte) (i * 31 + (i >>> 8));
    }

    private static final io.netty.util.AttributeKey<Integer> SERVED = io.netty.util.AttributeKey.valueOf("served");

    private final class Router extends ChannelInboundHandlerAdapter {
        private String route;
        private MessageDigest digest;
        private long received;
        private HttpRequest request;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest req) {
                request = req;
                QueryStringDecoder q = new QueryStringDecoder(req.uri());
                route = q.path();
                hits.computeIfAbsent(route, k -> new AtomicInteger()).incrementAndGet();
                received = 0;
                digest = MessageDigest.getInstance("SHA-256");
                if (route.equals("/ws")) {
                    ctx.pipeline().addAfter("router", "aggregate", new HttpObjectAggregator(65536));
                    ctx.pipeline().addAfter("aggregate", "ws", new WebSocketServerProtocolHandler("/ws"));
                    ctx.pipeline().addAfter("ws", "echo", new WsEcho());
                    ctx.pipeline().remove(this);
                    ctx.fireChannelRead(msg);
                    return;
                }
                Integer served = ctx.channel().attr(SERVED).get();
                ctx.channel().attr(SERVED).set(served == null ? 1 : served + 1);
                if (route.equals("/close-second") && served != null) {
                    // a keep-alive connection the upstream gave up on, seen only when it is reused
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    ctx.close();
                    return;
                }
                if (route.equals("/slow-upload")) {
                    // reads one buffer every 10 ms: a backend far slower than the client
                    ctx.channel().config().setAutoRead(false);
                    ctx.executor().scheduleAtFixedRate(() -> ctx.read(), 10, 10, TimeUnit.MILLISECONDS);
                }
                if (route.equals("/reset")) {
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    ctx.close();
                    return;
                }
            }
            if (msg instanceof HttpContent content) {
                received += content.content().readableBytes();
                digest.update(content.content().nioBuffer());
                boolean last = msg instanceof LastHttpContent;
                content.release();
                if (last) {
                    respond(ctx);
                }
            }
        }

        private void respond(ChannelHandlerContext ctx) {
            QueryStringDecoder q = new QueryStringDecoder(request.uri());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            switch (route) {
                case "/upload" -> text(ctx, HexFormat.of().formatHex(digest.digest()) + " " + received, keepAlive);
                case "/download" -> download(ctx, Long.parseLong(q.parameters().get("size").get(0)), keepAlive);
                case "/slow" -> {
                    long ms = Long.parseLong(q.parameters().get("ms").get(0));
                    ctx.executor().schedule(() -> text(ctx, "slow", keepAlive), ms, TimeUnit.MILLISECONDS);
                }
                case "/stall-body" -> { // a head and a first part, then silence
                    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 1000);
                    ctx.write(r);
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("first part", StandardCharsets.UTF_8)));
                }
                case "/nolength" -> {
                    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    r.headers().set(HttpHeaderNames.CONNECTION, "close");
                    ctx.write(r);
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("no length here", StandardCharsets.UTF_8)));
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                }
                default -> text(ctx, echo(), keepAlive);
            }
        }

        private String echo() {
            StringBuilder sb = new StringBuilder();
            sb.append("method: ").append(request.method()).append('\n');
            sb.append("uri: ").append(request.uri()).append('\n');
            sb.append("version: ").append(request.protocolVersion()).append('\n');
            for (Map.Entry<String, String> h : request.headers()) {
                sb.append(h.getKey().toLowerCase()).append(": ").append(h.getValue()).append('\n');
            }
            sb.append("body-bytes: ").append(received).append('\n');
            return sb.toString();
        }

        private void text(ChannelHandlerContext ctx, String body, boolean keepAlive) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(bytes));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            r.headers().set("Keep-Alive", "timeout=5");
            r.headers().set("X-Hop", "should-not-pass");
            r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? "X-Hop" : "close, X-Hop");
            if (keepAlive) {
                ctx.writeAndFlush(r);
            } else {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void download(ChannelHandlerContext ctx, long size, boolean keepAlive) {
            HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, size);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
            ctx.write(r);
            new Object() {
                long sent;

                void pump() {
                    while (sent < size && ctx.channel().isWritable()) {
                        int n = (int) Math.min(64 * 1024, size - sent);
                        byte[] bytes = new byte[n];
                        for (int i = 0; i < n; i++) {
                            bytes[i] = byteAt(sent + i);
                        }
                        // one write per chunk: under paranoid leak detection every buffer call records a trace
                        ByteBuf buf = ctx.alloc().buffer(n).writeBytes(bytes);
                        sent += n;
                        ctx.write(new DefaultHttpContent(buf));
                    }
                    if (sent >= size) {
                        var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                        if (!keepAlive) {
                            f.addListener(ChannelFutureListener.CLOSE);
                        }
                        return;
                    }
                    ctx.flush();
                    ctx.channel().eventLoop().schedule(this::pump, 1, TimeUnit.MILLISECONDS);
                }
            }.pump();
        }
    }

    private static final class WsEcho extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + frame.text()));
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
