package dev.beian.gateway.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real HTTP/2 client over TLS (Netty's), with the SNI given (none when null); each request on a stream of its own. */
public final class H2Client implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel connection;

    public H2Client(int port, String sni) throws Exception {
        SslContext ssl = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(sni == null ? ssl.newHandler(ch.alloc()) : ssl.newHandler(ch.alloc(), sni, port));
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                            }
                        }));
                    }
                })
                .connect("127.0.0.1", port).sync().channel();
        connection.pipeline().get(SslHandler.class).handshakeFuture().sync();
    }

    /** The negotiated protocol: h2 when ALPN chose it. */
    public String protocol() {
        return connection.pipeline().get(SslHandler.class).applicationProtocol();
    }

    public boolean isOpen() {
        return connection.isActive();
    }

    /** A stream of its own for {@code request}; the whole answer (its content retained for the caller). */
    public FullHttpResponse send(FullHttpRequest request) throws Exception {
        CompletableFuture<FullHttpResponse> result = new CompletableFuture<>();
        open(answerTo(result)).writeAndFlush(request);
        return result.get(20, TimeUnit.SECONDS);
    }

    /** A stream of its own for a head written by hand (no body); the whole answer, as {@link #send}. */
    public FullHttpResponse send(Http2Headers head) throws Exception {
        CompletableFuture<FullHttpResponse> result = new CompletableFuture<>();
        open(answerTo(result)).writeAndFlush(new DefaultHttp2HeadersFrame(head, true));
        return result.get(20, TimeUnit.SECONDS);
    }

    /** A stream's handlers that complete {@code result} with its whole answer, or fail it if none comes. */
    private static ChannelInitializer<Channel> answerTo(CompletableFuture<FullHttpResponse> result) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new HttpObjectAggregator(64 << 20),
                        new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                result.complete(response.retain());
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                result.completeExceptionally(new IllegalStateException("stream closed without an answer"));
                            }
                        });
            }
        };
    }

    /** A bare stream, for frames written by hand. */
    public Http2StreamChannel open(ChannelInitializer<Channel> handler) throws Exception {
        return new Http2StreamChannelBootstrap(connection).handler(handler).open().sync().getNow();
    }

    /** Waits until the server closes the connection; true if it did within {@code millis}. */
    public boolean awaitClose(long millis) throws InterruptedException {
        return connection.closeFuture().await(millis);
    }

    @Override
    public void close() {
        connection.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
