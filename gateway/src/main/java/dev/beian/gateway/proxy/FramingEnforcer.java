package dev.beian.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Right after the codec: a request the decoder could not frame unambiguously never goes further. Ambiguous
 * framing (Content-Length with Transfer-Encoding, two different Content-Lengths, a final coding other than
 * chunked, a bad chunk size, obs-fold) and malformed heads become 400, an over-long request line 414, an
 * over-large head 431 (SPEC §7), a transfer coding the gateway cannot decode (gzip before chunked) 501, a
 * major version other than 1 505. The message is dropped and a {@link FramingViolation} takes its place;
 * after one, every later byte of the connection is dropped too, since nothing after a framing error can
 * be trusted to start where the decoder thinks it does.
 */
final class FramingEnforcer extends ChannelInboundHandlerAdapter {
    private boolean violated;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (violated) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            violated = true;
            DecoderResult result = object.decoderResult();
            ReferenceCountUtil.release(msg);
            ctx.fireChannelRead(violation(result.cause(), object instanceof HttpRequest));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    static FramingViolation violation(Throwable cause, boolean inHead) {
        if (cause instanceof TooLongHttpLineException && inHead) {
            return new FramingViolation(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException && inHead) {
            return new FramingViolation(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request head too large");
        }
        if (cause instanceof GatewayServerCodec.UnsupportedVersionException) {
            return new FramingViolation(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, cause.getMessage());
        }
        if (cause instanceof GatewayServerCodec.UnknownCodingException) {
            return new FramingViolation(HttpResponseStatus.NOT_IMPLEMENTED, cause.getMessage());
        }
        String problem = cause == null ? "malformed request" : String.valueOf(cause.getMessage());
        return new FramingViolation(HttpResponseStatus.BAD_REQUEST, problem);
    }
}
