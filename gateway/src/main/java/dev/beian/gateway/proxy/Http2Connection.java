package dev.beian.gateway.proxy;

import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/2 connection (SPEC §7, chosen by ALPN): Netty's frame codec with the limits and flood defences on,
 * and one child channel per stream that runs the same {@link RequestReceiver} as an HTTP/1.1 connection, its
 * frames turned into HTTP objects. Each stream is decided, blocked or forwarded (to the HTTP/1.1 upstream
 * pools) exactly as an HTTP/1.1 request.
 *
 * <p>Defences: {@code http2.max-concurrent-streams}; the header list limited to
 * {@code limits.max-header-size}; at most 200 RST_STREAM frames a client may cause in 30 s (rapid reset,
 * CVE-2023-44487); at most 16 small CONTINUATION frames in a row (CONTINUATION flood); at most 10,000 control
 * frames (SETTINGS/PING acks) queued for a client that does not read them; at most 2 empty DATA frames in a
 * row. A connection over any of them is sent GOAWAY and closed; the others are served on.
 */
final class Http2Connection {
    private Http2Connection() {
    }

    static void configure(ChannelPipeline p, ProxyContext context) {
        GatewayConfig config = context.config;
        p.addLast("idle", new IdleWatch(config.timeouts().idle().toNanos()));
        p.addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(config.http2().maxConcurrentStreams())
                        .maxHeaderListSize(config.limits().maxHeaderSize()))
                .decoderEnforceMaxRstFramesPerWindow(200, 30)
                .encoderEnforceMaxRstFramesPerWindow(200, 30)
                .decoderEnforceMaxSmallContinuationFrames(16)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(2)
                .encoderEnforceMaxQueuedControlFrames(10_000)
                .validateHeaders(true)
                .build());
        p.addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setWriteBufferWaterMark(ProxyContext.WATER_MARK);
                stream.pipeline().addLast("h2-heads", new Http2RequestHeads());
                stream.pipeline().addLast("h2-to-http", new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast("framing", new FramingEnforcer());
                stream.pipeline().addLast("exchange", new RequestReceiver(context, null, GatewayMetrics.Protocol.H2));
            }
        }));
        p.addLast("h2-lifetime", new Lifetime());
    }

    /**
     * Ends the connection, gracefully (GOAWAY, then the streams in flight finish): when it saw no traffic for
     * {@code timeouts.idle} with no stream open, and when the gateway starts draining. Last in the pipeline, it
     * also hears the connection's errors: a defence the client tripped (rapid reset, a CONTINUATION or control
     * frame flood, a protocol error) is one line without a stack, at most one a second ({@link WarningRate}),
     * and the frame codec sends GOAWAY and closes; a socket error (a reset) closes, as on HTTP/1.1, unlogged.
     * Netty would log each with its stack trace as an error nobody handled, a few dozen lines per connection an
     * attacker opens.
     */
    private static final class Lifetime extends ChannelInboundHandlerAdapter {
        private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);
        private static final WarningRate RATE = new WarningRate();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Http2Exception protocol = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
            if (protocol == null) {
                ctx.close();
                return;
            }
            String more = RATE.admit();
            if (more != null) {
                log.warn("HTTP/2 connection from {} ended by the gateway: {} (GOAWAY {}){}",
                        ClientAddress.of(ctx.channel()), protocol.getMessage(), protocol.error(), more);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == RequestReceiver.DRAIN) {
                ctx.close();
            } else if (evt instanceof IdleStateEvent) {
                Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
                if (codec == null || codec.connection().numActiveStreams() == 0) {
                    ctx.close();
                }
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }
}
