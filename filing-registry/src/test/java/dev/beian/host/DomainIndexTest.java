package dev.beian.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DomainIndexTest {
    private static final List<String> DOMAINS = List.of("example.cn", "shop.example.cn", "a.b.c.example.cn",
            "example.com.cn", "xn--fsq092h.xn--fiqs8s", "x.io", "cn-example.cn");

    private static DomainIndex<String> index() {
        DomainIndex.Builder<String> b = DomainIndex.builder(2);
        for (String d : DOMAINS) {
            b.putIfAbsent(d, "site:" + d);
        }
        return b.build();
    }

    /** host, expected matched domain (null: none). */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("example.cn", "example.cn"),
                Arguments.of("www.example.cn", "example.cn"),
                Arguments.of("a.b.example.cn", "example.cn"),
                Arguments.of("shop.example.cn", "shop.example.cn"),
                Arguments.of("m.shop.example.cn", "shop.example.cn"),
                Arguments.of("shopx.example.cn", "example.cn"),
                Arguments.of("xshop.example.cn", "example.cn"),
                Arguments.of("c.example.cn", "example.cn"),
                Arguments.of("b.c.example.cn", "example.cn"),
                Arguments.of("a.b.c.example.cn", "a.b.c.example.cn"),
                Arguments.of("z.a.b.c.example.cn", "a.b.c.example.cn"),
                Arguments.of("badexample.cn", null),
                Arguments.of("www.badexample.cn", null),
                Arguments.of("cn-example.cn", "cn-example.cn"),
                Arguments.of("n-example.cn", null),
                Arguments.of("xample.cn", null),
                Arguments.of("cn", null),
                Arguments.of("example.cn.evil.com", null),
                Arguments.of("example.com.cn", "example.com.cn"),
                Arguments.of("com.cn", null),
                Arguments.of("www.example.com.cn", "example.com.cn"),
                Arguments.of("www.xn--fsq092h.xn--fiqs8s", "xn--fsq092h.xn--fiqs8s"),
                Arguments.of("x.io", "x.io"),
                Arguments.of("ax.io", null),
                Arguments.of(".x.io", "x.io"),
                Arguments.of("", null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("cases")
    void longestMatchAtLabelBoundaries(String host, String expected) {
        DomainIndex<String> index = index();
        DomainIndex.Match<String> match = index.longestMatch(host);
        if (expected == null) {
            assertNull(match, () -> "matched " + match);
            assertNull(index.longestMatchValue(host));
        } else {
            assertEquals(expected, match.domain());
            assertEquals("site:" + expected, match.value());
            assertEquals("site:" + expected, index.longestMatchValue(host));
        }
    }

    @Test
    void keepsTheFirstValueOfADuplicate() {
        DomainIndex.Builder<String> b = DomainIndex.builder(4);
        assertNull(b.putIfAbsent("example.cn", "first"));
        assertEquals("first", b.putIfAbsent("example.cn", "second"));
        DomainIndex<String> index = b.build();
        assertEquals(1, index.size());
        assertEquals("first", index.get("example.cn"));
    }

    @Test
    void agreesWithANaiveSuffixWalkOnRandomData() {
        Random random = new Random(42);
        Map<String, Integer> reference = new HashMap<>();
        DomainIndex.Builder<Integer> b = DomainIndex.builder(16); // forces growth many times
        for (int i = 0; i < 20_000; i++) {
            String d = randomName(random, 2 + random.nextInt(3));
            if (reference.putIfAbsent(d, i) == null) {
                b.putIfAbsent(d, i);
            }
        }
        DomainIndex<Integer> index = b.build();
        assertEquals(reference.size(), index.size());
        for (int i = 0; i < 50_000; i++) {
            String host = randomName(random, 2 + random.nextInt(5));
            Integer expected = null;
            for (String s = host; s != null; ) {
                if (reference.containsKey(s)) {
                    expected = reference.get(s);
                    break;
                }
                int dot = s.indexOf('.');
                s = dot < 0 ? null : s.substring(dot + 1);
            }
            assertEquals(expected, index.longestMatchValue(host), host);
        }
    }

    private static String randomName(Random random, int labels) {
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < labels; l++) {
            if (l > 0) {
                sb.append('.');
            }
            int len = 1 + random.nextInt(2);
            for (int c = 0; c < len; c++) {
                sb.append((char) ('a' + random.nextInt(3)));
            }
        }
        return sb.toString();
    }
}
