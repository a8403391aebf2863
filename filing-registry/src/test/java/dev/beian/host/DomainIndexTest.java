package dev.beian.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
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

    private static DomainIndex index() {
        DomainIndex.Builder b = DomainIndex.builder(2, 4); // grows: bytes, positions and table
        for (int i = 0; i < DOMAINS.size(); i++) {
            assertEquals(-1, b.add(DOMAINS.get(i), 100 + i));
        }
        return b.build();
    }

    /** The match by string and by bytes (the diff's form), which must agree. */
    private static int match(DomainIndex index, String host) {
        byte[] bytes = ("<" + host + ">").getBytes(StandardCharsets.ISO_8859_1);
        int byBytes = index.longestMatch(bytes, 1, bytes.length - 1);
        int byString = index.longestMatch(host);
        assertEquals(byString, byBytes, "string and bytes disagree on " + host);
        return byString;
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
        DomainIndex index = index();
        int at = match(index, host);
        if (expected == null) {
            assertEquals(-1, at, () -> "matched " + index.domain(at));
        } else {
            assertEquals(expected, index.domain(at));
            assertEquals(100 + DOMAINS.indexOf(expected), index.value(at));
            assertEquals(at, index.find(expected));
            byte[] bytes = expected.getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(at, index.find(bytes, 0, bytes.length));
        }
    }

    @Test
    void keepsTheFirstValueOfADuplicate() {
        DomainIndex.Builder b = DomainIndex.builder(4);
        assertEquals(-1, b.add("example.cn", 1));
        byte[] again = "xexample.cn".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(0, b.add(again, 1, again.length, 2));
        assertEquals(-1, b.add("www.example.cn", 3));
        DomainIndex index = b.build();
        assertEquals(2, index.size());
        assertEquals(1, index.value(index.find("example.cn")));
        assertEquals("www.example.cn", index.domain(1));
        assertEquals(-1, index.find("example.c"));
    }

    @Test
    void refusesWhatIsNotNormalised() {
        assertThrows(IllegalArgumentException.class, () -> DomainIndex.builder(1).add("例子.cn", 0));
    }

    @Test
    void agreesWithANaiveSuffixWalkOnRandomData() {
        Random random = new Random(42);
        Map<String, Integer> reference = new HashMap<>();
        DomainIndex.Builder b = DomainIndex.builder(16); // forces growth many times
        for (int i = 0; i < 20_000; i++) {
            String d = randomName(random, 2 + random.nextInt(3));
            boolean fresh = reference.putIfAbsent(d, i) == null;
            assertEquals(fresh, b.add(d, i) == -1, d);
        }
        DomainIndex index = b.build();
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
            int at = match(index, host);
            assertEquals(expected, at < 0 ? null : index.value(at), host);
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
