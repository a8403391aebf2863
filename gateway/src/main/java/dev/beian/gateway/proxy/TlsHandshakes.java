package dev.beian.gateway.proxy;

import dev.beian.gateway.metrics.GatewayMetrics.TlsResult;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Counts how each admitted TLS handshake ended ({@code beian_tls_handshakes_total}, SPEC §9); refusals are
 * counted by {@link SniAdmission}. Leaves the pipeline once the handshake is over.
 */
final class TlsHandshakes extends ChannelInboundHandlerAdapter {
    private final ProxyContext context;

    TlsHandshakes(ProxyContext context) {
        this.context = context;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            context.metrics.tlsHandshake(done.isSuccess() ? TlsResult.OK : TlsResult.FAILED);
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
