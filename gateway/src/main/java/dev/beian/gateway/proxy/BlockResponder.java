package dev.beian.gateway.proxy;

import dev.beian.decision.BlockReason;
import dev.beian.gateway.metrics.Outcome;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * A blocked request's answer (SPEC §7), given at once: the notice page or the redirect. The connection stays
 * for the next request where HTTP allows: the body is then read and dropped ({@link DiscardBody}). A request
 * that expects 100 is answered with {@code Connection: close} and its body never read; one that declares a
 * body larger than the discard budget is told the connection closes.
 */
final class BlockResponder {
    private BlockResponder() {
    }

    /** Answers the request; the cycle that drops its body, or null when the connection is closing. */
    static Cycle answer(RequestReceiver receiver, RequestRecord record, HttpRequest request, BlockReason reason,
                        String host, boolean keepAlive) {
        boolean expectContinue = HttpUtil.is100ContinueExpected(request);
        long length = HttpUtil.getContentLength(request, -1L);
        boolean largeBody = length > DiscardBody.BUDGET || length < 0 && HttpUtil.isTransferEncodingChunked(request);
        boolean keep = keepAlive && !expectContinue && !largeBody;
        boolean http10KeepAlive = keep && request.protocolVersion().equals(HttpVersion.HTTP_1_0); // 1.0 closes otherwise
        Object answer;
        int status;
        if (receiver.isHttp2()) {
            FullHttpResponse response = receiver.context.blockAnswers.answer(reason, host == null ? "-" : host, keep);
            answer = response;
            status = response.status().code();
        } else {
            EncodedAnswer encoded = receiver.context.encodedAnswers.answer(reason, host == null ? "-" : host, keep,
                    http10KeepAlive, HttpMethod.HEAD.equals(request.method()));
            answer = encoded;
            status = encoded.status();
        }
        record.complete(Outcome.of(reason), status);
        ReferenceCountUtil.release(request);
        if (!keep && !largeBody) {
            receiver.answerAndClose(answer);
            return null;
        }
        ChannelFuture write = receiver.ctx.writeAndFlush(answer);
        return new DiscardBody(receiver, write, keep); // until the request's last content, which always comes
    }
}
