package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Requests pipelined behind one that is still being answered wait as the bytes they came in, not as decoded
 * objects (a 49-byte request decodes into some 400 bytes), and every one of them is served, in order, when its
 * turn comes. The client's pipeline and the upstream's carry their real codecs ({@link ExchangeHarness#onTheWire}).
 */
class PipeliningTest {
    private static final int REQUESTS = 500;

    @Test
    void pipelinedRequestsWaitAsBytesAndAreAllServedInOrder() throws Exception {
        try (ExchangeHarness h = ExchangeHarness.onTheWire(new SimpleMeterRegistry())) {
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < REQUESTS; i++) {
                burst.append("GET /n=").append(i).append(" HTTP/1.1\r\nHost: www.example.cn\r\n\r\n");
            }
            h.client.writeInbound(Unpooled.copiedBuffer(burst, StandardCharsets.US_ASCII));
            RequestReceiver receiver = h.client.pipeline().get(RequestReceiver.class);
            for (int i = 0; i < REQUESTS; i++) {
                h.client.runPendingTasks(); // decoding goes on from the loop, after the event that freed the queue
                assertTrue(receiver.queuedMessages() <= 4,
                        receiver.queuedMessages() + " messages decoded and waiting behind request " + i);
                String head = text(h.lastUpstream());
                assertTrue(head.startsWith("GET /n=" + i + " HTTP/1.1\r\n"), "request " + i + " upstream: " + head);
                h.lastUpstream().writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                        StandardCharsets.US_ASCII));
                String answer = text(h.client);
                assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n") && answer.endsWith("\r\n\r\nok"),
                        "answer " + i + ": " + answer);
            }
            h.client.runPendingTasks();
            assertEquals(0, receiver.queuedMessages());
            assertEquals(1, h.upstreams.size(), "one pooled upstream connection served them all");
        }
    }

    private static String text(EmbeddedChannel channel) {
        StringBuilder sb = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            if (msg instanceof ByteBuf b) {
                sb.append(b.toString(StandardCharsets.US_ASCII));
            }
            ReferenceCountUtil.release(msg);
        }
        return sb.toString();
    }
}
