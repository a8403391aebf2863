package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.decision.BlockReason;
import dev.beian.gateway.block.BlockAnswers;
import dev.beian.gateway.config.ConfigLoader;
import dev.beian.gateway.config.GatewayConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A block answer written as kept bytes must be byte for byte what the response encoder writes for the same
 * answer, and must keep the encoder's queue of request methods in step (a HEAD answered from bytes, then a
 * GET answered by the encoder, each gets its own body rule).
 */
class EncodedAnswerTest {
    private static EmbeddedChannel channel(GatewayServerCodec codec) {
        return new EmbeddedChannel(codec.encoder(), codec.decoder());
    }

    @TempDir
    static Path dir;

    static BlockAnswers answers(String block) throws Exception {
        Path folder = Files.createTempDirectory(dir, "c");
        Files.writeString(folder.resolve("registry.yaml"), "subjects: []\n");
        Files.writeString(folder.resolve("gateway.yaml"), "registry:\n  path: registry.yaml\n"
                + "upstreams:\n  default: [127.0.0.1:1]\n" + block);
        GatewayConfig config = new ConfigLoader(n -> null).load(folder.resolve("gateway.yaml"));
        return new BlockAnswers(config);
    }

    static Stream<Arguments> cases() throws Exception {
        List<Arguments> all = new ArrayList<>();
        BlockAnswers page = answers("");
        BlockAnswers redirect = answers("block:\n  mode: redirect\n  redirect-url: https://notice.example.com/?h={host}&r={reason}\n");
        for (BlockAnswers answers : List.of(page, redirect)) {
            for (BlockReason reason : BlockReason.values()) {
                for (String host : List.of("unfiled.example.org", "xn--fsq092h.xn--fiqs8s", "<script>.cn")) {
                    for (int flags = 0; flags < 8; flags++) {
                        all.add(Arguments.of(answers, reason, host, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theKeptBytesAreWhatTheEncoderWrites(BlockAnswers answers, BlockReason reason, String host, boolean keep,
                                             boolean http10KeepAlive, boolean head) {
        String method = head ? "HEAD" : "GET";
        byte[] byEncoder = written(method, answers.answer(reason, host, keep), http10KeepAlive);
        byte[] byBytes = written(method, new EncodedAnswer.Kept(answers).answer(reason, host, keep, http10KeepAlive, head),
                false);
        assertArrayEquals(byEncoder, byBytes, () -> new String(byBytes, StandardCharsets.ISO_8859_1));
    }

    @Test
    void theMethodQueueStaysInStep() throws Exception {
        BlockAnswers answers = answers("");
        EmbeddedChannel ch = channel(new GatewayServerCodec(8192, 8192));
        ch.writeInbound(Unpooled.copiedBuffer("HEAD / HTTP/1.1\r\nHost: a.cn\r\n\r\nGET / HTTP/1.1\r\nHost: a.cn\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        releaseAll(ch.inboundMessages());
        ch.writeOutbound(new EncodedAnswer.Kept(answers).answer(BlockReason.UNFILED, "a.cn", true, false, true));
        io.netty.handler.codec.http.FullHttpResponse second = answers.answer(BlockReason.UNFILED, "a.cn", true);
        int length = second.content().readableBytes();
        ch.writeOutbound(second);
        byte[] all = drain(ch);
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int firstEnd = text.indexOf("\r\n\r\n") + 4;
        assertEquals(-1, text.substring(firstEnd, firstEnd + 8).indexOf('<'), "the HEAD answer has no body");
        assertEquals(all.length - length, text.lastIndexOf("\r\n\r\n") + 4, "the GET answer after it has its body");
        ch.finishAndReleaseAll();
    }

    @Test
    void oneKeptAnswerServesManyWritesFromDirectMemory() throws Exception {
        EncodedAnswer.Kept kept = new EncodedAnswer.Kept(answers(""));
        EncodedAnswer answer = kept.answer(BlockReason.UNFILED, "a.cn", true, false, false);
        assertSame(answer, kept.answer(BlockReason.UNFILED, "a.cn", true, false, false), "kept, not made again");
        byte[] first = null;
        for (int i = 0; i < 3; i++) {
            ByteBuf view = answer.content();
            // the native transports copy a heap buffer into a direct one on every write
            assertTrue(view.isDirect(), "written without a copy");
            byte[] bytes = new byte[view.readableBytes()];
            view.readBytes(bytes); // a write reads its view to the end ...
            assertFalse(view.release(), "... and releases it, which frees nothing");
            if (first == null) {
                first = bytes;
            } else {
                assertArrayEquals(first, bytes, "every write sends the whole answer");
            }
        }
        assertTrue(new String(first, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 451 "));
    }

    /** What goes on the wire for {@code answer} to a {@code method} request. */
    private static byte[] written(String method, Object answer, boolean http10KeepAlive) {
        EmbeddedChannel ch = channel(new GatewayServerCodec(8192, 8192));
        ch.writeInbound(Unpooled.copiedBuffer(method + " / HTTP/1.1\r\nHost: a.cn\r\n\r\n", StandardCharsets.ISO_8859_1));
        releaseAll(ch.inboundMessages());
        if (answer instanceof io.netty.handler.codec.http.FullHttpResponse response && http10KeepAlive) {
            response.headers().set("connection", "keep-alive");
        }
        ch.writeOutbound(answer);
        byte[] bytes = drain(ch);
        ch.finishAndReleaseAll();
        return bytes;
    }

    private static byte[] drain(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes);
        return bytes;
    }

    private static void releaseAll(java.util.Queue<Object> messages) {
        for (Object o; (o = messages.poll()) != null; ) {
            io.netty.util.ReferenceCountUtil.release(o);
        }
    }
}
