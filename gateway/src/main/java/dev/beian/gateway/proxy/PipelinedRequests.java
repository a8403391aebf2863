package dev.beian.gateway.proxy;

import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * What a client sent behind the request in progress (HTTP/1.1 pipelining), waiting its turn, in order. While
 * anything waits, the client is not read ({@link FlowControl#QUEUED}) and the request decoder is paused
 * ({@link GatewayServerCodec.Decoder#pause}): the rest of what came in waits as its bytes, not as decoded
 * objects. A 49-byte request decodes into some 400 bytes; a client that pipelines a read's worth (64 KiB)
 * behind a slow request would otherwise cost eight times that, on every one of its connections.
 */
final class PipelinedRequests {
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private final FlowControl flow;
    private final ChannelPipeline pipeline;
    private final boolean http1;
    /** Found when a queue first forms; none on an HTTP/2 stream, whose one request comes whole. */
    private GatewayServerCodec.Decoder decoder;

    PipelinedRequests(FlowControl flow, ChannelPipeline pipeline, boolean http1) {
        this.flow = flow;
        this.pipeline = pipeline;
        this.http1 = http1;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }

    /** {@code msg} waits: the client is not read, and the decoder keeps what follows as bytes. */
    void add(Object msg) {
        waiting.add(msg);
        flow.hold(FlowControl.QUEUED);
        if (decoder == null && http1) {
            decoder = pipeline.get(GatewayServerCodec.Decoder.class);
        }
        if (decoder != null) {
            decoder.pause();
        }
    }

    /** The next message whose turn it is; null when none waits. */
    Object poll() {
        return waiting.poll();
    }

    /** After messages were taken: once none waits, the client is read and decoded again. */
    void resumeIfEmpty() {
        if (waiting.isEmpty()) {
            flow.release(FlowControl.QUEUED);
            if (decoder != null) {
                decoder.resume();
            }
        }
    }

    /** Every waiting message to {@code next}, in order (a tunnel takes the connection over), and reads again. */
    void handAll(Consumer<Object> next) {
        Object msg;
        while ((msg = waiting.poll()) != null) {
            next.accept(msg);
        }
        flow.release(FlowControl.QUEUED);
    }

    /** Drops what waits: the connection is closing. */
    void releaseAll() {
        Object msg;
        while ((msg = waiting.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
