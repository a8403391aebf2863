package dev.beian.gateway.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.decision.BlockReason;
import dev.beian.gateway.config.ConfigLoader;
import dev.beian.gateway.config.GatewayConfig;
import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BlockAnswersTest {
    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("example.cn", "example.cn"),
                Arguments.of("<script>", "&lt;script&gt;"),
                Arguments.of("a&b", "a&amp;b"),
                Arguments.of("\"'", "&quot;&#39;"),
                Arguments.of("", ""));
    }

    @ParameterizedTest
    @MethodSource("escapes")
    void escapesHtml(String in, String out) {
        assertEquals(out, BlockAnswers.Html.escape(in));
    }

    @Test
    void unchangedTextIsNotCopied() {
        String s = "www.example.cn";
        assertSame(s, BlockAnswers.Html.escape(s));
    }

    @Test
    void eachReasonHasItsOwnNotice(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gateway.yaml"), "upstreams:\n  default: [127.0.0.1:3000]\n");
        GatewayConfig config = new ConfigLoader(n -> null).load(dir.resolve("gateway.yaml"));
        BlockAnswers answers = new BlockAnswers(config);
        for (BlockReason reason : BlockReason.values()) {
            FullHttpResponse r = answers.answer(reason, "<x>.cn", true);
            try {
                assertEquals(451, r.status().code());
                assertEquals("Unavailable For Legal Reasons", r.status().reasonPhrase());
                assertEquals(reason.label(), r.headers().get(BlockAnswers.REASON_HEADER));
                String body = r.content().toString(StandardCharsets.UTF_8);
                assertTrue(body.contains("&lt;x&gt;.cn") && !body.contains("<x>"), body);
                assertTrue(body.contains("reason: " + reason.label()), body);
                String next = switch (reason) { // SPEC §7: what the site's owner does next
                    case UNFILED -> "办理ICP备案";
                    case NOT_ACCESSED -> "接入备案";
                    case CANCELLED -> "重新办理ICP备案";
                };
                assertTrue(body.contains(next), body);
                assertEquals(r.content().readableBytes(), r.headers().getInt("content-length"));
            } finally {
                r.release();
            }
        }
    }

    @Test
    void anIdnIsShownAsItsOwnerKnowsItWithTheAsciiFormBeside() {
        assertEquals("示例.中国 (xn--fsq092h.xn--fiqs8s)", dev.beian.host.HostNormalizer.shown("xn--fsq092h.xn--fiqs8s"));
        assertEquals("www.example.cn", dev.beian.host.HostNormalizer.shown("www.example.cn"));
        assertEquals("xn--zz.example", dev.beian.host.HostNormalizer.shown("xn--zz.example"), "an undecodable label stays as it is");
    }
}
