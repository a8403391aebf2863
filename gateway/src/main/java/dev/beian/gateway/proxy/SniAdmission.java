package dev.beian.gateway.proxy;

import dev.beian.decision.Decision;
import dev.beian.gateway.metrics.GatewayMetrics.TlsResult;
import dev.beian.gateway.tls.Certificates;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * The TLS step of an HTTPS connection (SPEC §7): the ClientHello's SNI is decided like a Host, by the same
 * registry and cache, before any certificate is sent. A name not filed and accessed here, or one no
 * certificate covers, is refused with the TLS alert {@code unrecognized_name}, as nginx's
 * {@code ssl_reject_handshake} does and as the large providers refuse such names; a ClientHello without SNI
 * follows {@code tls.no-sni}. Otherwise the {@link SslHandler} of the chosen certificate takes this step's
 * place, and the name is kept on the channel ({@link #SNI}) for the 421 check of every request.
 */
final class SniAdmission extends AbstractSniHandler<SslContext> {
    /** The normalised SNI the connection was admitted for. */
    static final AttributeKey<String> SNI = AttributeKey.valueOf("beian.sni");
    /** A TLS record: alert, TLS 1.2, length 2, fatal, unrecognized_name (RFC 8446 §6, RFC 6066 §3). */
    private static final byte[] UNRECOGNIZED_NAME = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70};

    private final ProxyContext context;
    private TlsResult refusal = TlsResult.REFUSED_SNI;

    SniAdmission(ProxyContext context) {
        super(context.config.timeouts().header().toMillis());
        this.context = context;
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) {
        Certificates certificates = context.certificates();
        if (hostname == null) {
            refusal = TlsResult.NO_SNI;
            boolean serveDefault = context.config.tls().noSniDefault();
            return ctx.executor().newSucceededFuture(serveDefault ? certificates.defaultContext() : null);
        }
        Decision decision = context.decider.decide(context.registry.current(), hostname);
        if (decision.verdict() != Decision.Verdict.FORWARD) {
            return ctx.executor().newSucceededFuture(null);
        }
        SslContext chosen = certificates.forHost(decision.normalizedHost());
        if (chosen != null) {
            ctx.channel().attr(SNI).set(decision.normalizedHost());
        }
        return ctx.executor().newSucceededFuture(chosen);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<SslContext> future) {
        SslContext chosen = future.getNow();
        if (chosen == null) {
            context.metrics.tlsHandshake(refusal);
            ChannelFuture alert = ctx.writeAndFlush(Unpooled.wrappedBuffer(UNRECOGNIZED_NAME)); // from here: raw bytes
            // a step that drops whatever else arrives takes this one's place, so that nothing is decoded twice
            ctx.pipeline().replace(this, ClientPipeline.TLS, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                    ReferenceCountUtil.release(msg);
                }
            });
            alert.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        SslHandler tls = chosen.newHandler(ctx.alloc());
        tls.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        ctx.pipeline().replace(this, ClientPipeline.TLS, tls);
    }
}
