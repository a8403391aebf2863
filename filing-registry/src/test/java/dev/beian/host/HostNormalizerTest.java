package dev.beian.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostNormalizerTest {

    /** raw authority, kind, normalised value. */
    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("example.cn", NormalizedHost.Kind.NAME, "example.cn"),
                Arguments.of("Example.CN", NormalizedHost.Kind.NAME, "example.cn"),
                Arguments.of("WWW.EXAMPLE.CN:8080", NormalizedHost.Kind.NAME, "www.example.cn"),
                Arguments.of("example.cn.", NormalizedHost.Kind.NAME, "example.cn"),
                Arguments.of("example.cn.:443", NormalizedHost.Kind.NAME, "example.cn"),
                Arguments.of("example.cn:", NormalizedHost.Kind.NAME, "example.cn"),
                Arguments.of("example.cn:65535", NormalizedHost.Kind.NAME, "example.cn"),
                Arguments.of("localhost", NormalizedHost.Kind.NAME, "localhost"),
                Arguments.of("a-b.c-d.cn", NormalizedHost.Kind.NAME, "a-b.c-d.cn"),
                Arguments.of("xn--fsq092h.xn--fiqs8s", NormalizedHost.Kind.NAME, "xn--fsq092h.xn--fiqs8s"),
                Arguments.of("示例.中国", NormalizedHost.Kind.NAME, "xn--fsq092h.xn--fiqs8s"),
                Arguments.of("示例.中国:8080", NormalizedHost.Kind.NAME, "xn--fsq092h.xn--fiqs8s"),
                Arguments.of("www.示例.中国.", NormalizedHost.Kind.NAME, "www.xn--fsq092h.xn--fiqs8s"),
                Arguments.of("示例。中国", NormalizedHost.Kind.NAME, "xn--fsq092h.xn--fiqs8s"),
                Arguments.of("ＥＸＡＭＰＬＥ．ｃｎ", NormalizedHost.Kind.NAME, "example.cn"),
                Arguments.of("Bücher.example", NormalizedHost.Kind.NAME, "xn--bcher-kva.example"),
                Arguments.of("1.example.cn", NormalizedHost.Kind.NAME, "1.example.cn"),
                Arguments.of("123.cn", NormalizedHost.Kind.NAME, "123.cn"),
                Arguments.of("a".repeat(63) + ".cn", NormalizedHost.Kind.NAME, "a".repeat(63) + ".cn"),
                Arguments.of(("a".repeat(62) + ".").repeat(3) + "a".repeat(61) + ".cn", NormalizedHost.Kind.NAME,
                        ("a".repeat(62) + ".").repeat(3) + "a".repeat(61) + ".cn"),
                Arguments.of("10.0.0.1", NormalizedHost.Kind.IPV4, "10.0.0.1"),
                Arguments.of("10.0.0.1:8080", NormalizedHost.Kind.IPV4, "10.0.0.1"),
                Arguments.of("255.255.255.255", NormalizedHost.Kind.IPV4, "255.255.255.255"),
                Arguments.of("0.0.0.0", NormalizedHost.Kind.IPV4, "0.0.0.0"),
                Arguments.of("[::1]", NormalizedHost.Kind.IPV6, "[::1]"),
                Arguments.of("[::1]:8080", NormalizedHost.Kind.IPV6, "[::1]"),
                Arguments.of("[::]", NormalizedHost.Kind.IPV6, "[::]"),
                Arguments.of("[2001:DB8::1]", NormalizedHost.Kind.IPV6, "[2001:db8::1]"),
                Arguments.of("[2001:db8:0:0:0:0:0:1]", NormalizedHost.Kind.IPV6, "[2001:db8:0:0:0:0:0:1]"),
                Arguments.of("[::ffff:192.0.2.1]", NormalizedHost.Kind.IPV6, "[::ffff:192.0.2.1]"),
                Arguments.of("[fe80::]", NormalizedHost.Kind.IPV6, "[fe80::]"),
                Arguments.of("[1:2:3:4:5:6:7::]", NormalizedHost.Kind.IPV6, "[1:2:3:4:5:6:7::]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void normalisesValidAuthorities(String raw, NormalizedHost.Kind kind, String expected) {
        NormalizedHost host = HostNormalizer.normalizeAuthority(raw);
        assertEquals(kind, host.kind(), () -> "problem: " + host.problem());
        assertEquals(expected, host.value());
        assertNull(host.problem());
    }

    /** raw authority, words of the problem. */
    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(null, "empty host"),
                Arguments.of("", "empty host"),
                Arguments.of(".", "empty host"),
                Arguments.of(":80", "empty host"),
                Arguments.of("example..cn", "empty label"),
                Arguments.of(".example.cn", "empty label"),
                Arguments.of("example.cn..", "empty label"),
                Arguments.of("exa mple.cn", "character ' '"),
                Arguments.of("example.cn ", "character ' '"),
                Arguments.of("under_score.cn", "character '_'"),
                Arguments.of("<script>.cn", "character '<'"),
                Arguments.of("user@example.cn", "character '@'"),
                Arguments.of("example.cn/path", "character '/'"),
                Arguments.of("example.cn\r\nx", "character '\\x0d'"),
                Arguments.of("-example.cn", "starts or ends with '-'"),
                Arguments.of("example-.cn", "starts or ends with '-'"),
                Arguments.of("a".repeat(64) + ".cn", "label longer than 63"),
                Arguments.of(("a".repeat(63) + ".").repeat(4) + "cn", "longer than 253"),
                Arguments.of("example.cn:http", "port is not a number"),
                Arguments.of("example.cn:80:80", "port is not a number"),
                Arguments.of("example.cn:65536", "port out of range"),
                Arguments.of("example.cn:123456", "port out of range"),
                Arguments.of("example.cn:-1", "port is not a number"),
                Arguments.of("::1", "port is not a number"),
                Arguments.of("[::1", "unclosed '['"),
                Arguments.of("[::1]x", "unexpected 'x'"),
                Arguments.of("[::1]:abc", "port is not a number"),
                Arguments.of("[]", "not a valid IPv6"),
                Arguments.of("[example.cn]", "not a valid IPv6"),
                Arguments.of("[1:2:3:4:5:6:7:8:9]", "not a valid IPv6"),
                Arguments.of("[1::2::3]", "not a valid IPv6"),
                Arguments.of("[12345::1]", "not a valid IPv6"),
                Arguments.of("[fe80::1%25eth0]", "not a valid IPv6"),
                Arguments.of("[1:2:3:4:5:6:7]", "not a valid IPv6"),
                Arguments.of("[:1:2:3:4:5:6:7]", "not a valid IPv6"),
                Arguments.of("[1:2:3:4:5:6:7:]", "not a valid IPv6"),
                Arguments.of("256.0.0.1", "not a valid IPv4"),
                Arguments.of("1.2.3", "not a valid IPv4"),
                Arguments.of("1.2.3.4.5", "not a valid IPv4"),
                Arguments.of("01.2.3.4", "not a valid IPv4"),
                Arguments.of("example.123", "not a valid IPv4"),
                Arguments.of("\u00a0.cn", "not allowed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsInvalidAuthorities(String raw, String problem) {
        NormalizedHost host = HostNormalizer.normalizeAuthority(raw);
        assertFalse(host.isValid(), () -> "accepted as " + host);
        assertNull(host.value());
        assertTrue(host.problem().contains(problem), () -> "problem '" + host.problem() + "' lacks '" + problem + "'");
    }

    @Test
    void theCommonCaseAllocatesNoNewString() {
        String raw = "www.example.cn";
        assertSame(raw, HostNormalizer.normalizeAuthority(raw).value());
    }

    @Test
    void domainsMayNotCarryAPort() {
        assertEquals("a port is not allowed here", HostNormalizer.normalizeDomain("example.cn:80").problem());
        assertEquals("example.cn", HostNormalizer.normalizeDomain("Example.CN.").value());
    }

    @Test
    void unicodeAndPunycodeFormsAreTheSameHost() {
        assertEquals(HostNormalizer.normalizeAuthority("示例.中国").value(),
                HostNormalizer.normalizeAuthority("XN--FSQ092H.xn--FIQS8S").value());
    }
}
