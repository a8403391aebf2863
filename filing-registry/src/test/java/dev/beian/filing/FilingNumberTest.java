package dev.beian.filing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class FilingNumberTest {

    /** input, canonical, province, kind, serial, website index. */
    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("京ICP备11018762号", "京ICP备11018762号", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 0),
                Arguments.of("京ICP备11018762号-1", "京ICP备11018762号-1", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 1),
                Arguments.of("粤B2-20090059", "粤B2-20090059", Province.GUANGDONG, FilingKind.OPERATING_LICENCE, "20090059", 0),
                Arguments.of("粤B2-20090059-1", "粤B2-20090059-1", Province.GUANGDONG, FilingKind.OPERATING_LICENCE, "20090059", 1),
                Arguments.of("京ICP证030173号", "京ICP证030173号", Province.BEIJING, FilingKind.ICP_LICENCE, "030173", 0),
                Arguments.of("京ICP证030173号-1", "京ICP证030173号-1", Province.BEIJING, FilingKind.ICP_LICENCE, "030173", 1),
                Arguments.of("蜀ICP备2020030589号-10", "蜀ICP备2020030589号-10", Province.SICHUAN_SHU, FilingKind.ICP_FILING, "2020030589", 10),
                Arguments.of("浙ICP备2021000001号-9999", "浙ICP备2021000001号-9999", Province.ZHEJIANG, FilingKind.ICP_FILING, "2021000001", 9999),
                Arguments.of("沪ICP备123456号", "沪ICP备123456号", Province.SHANGHAI, FilingKind.ICP_FILING, "123456", 0),
                Arguments.of("京icp备11018762号", "京ICP备11018762号", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 0),
                Arguments.of("京Icp备11018762号-2", "京ICP备11018762号-2", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 2),
                Arguments.of(" 京ICP备 11018762 号 - 1 ", "京ICP备11018762号-1", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 1),
                Arguments.of("京ICP备\u300011018762号", "京ICP备11018762号", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 0),
                Arguments.of("京ICP备１１０１８７６２号", "京ICP备11018762号", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 0),
                Arguments.of("京ＩＣＰ备11018762号－3", "京ICP备11018762号-3", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 3),
                Arguments.of("京ｉｃｐ备11018762号", "京ICP备11018762号", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 0),
                Arguments.of("粤b2-20090059", "粤B2-20090059", Province.GUANGDONG, FilingKind.OPERATING_LICENCE, "20090059", 0),
                Arguments.of("粤Ｂ２－２００９００５９－１", "粤B2-20090059-1", Province.GUANGDONG, FilingKind.OPERATING_LICENCE, "20090059", 1),
                Arguments.of("京ICP备11018762号\u20141", "京ICP备11018762号-1", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 1),
                Arguments.of("\t京ICP备11018762号\n", "京ICP备11018762号", Province.BEIJING, FilingKind.ICP_FILING, "11018762", 0),
                Arguments.of("黔ICP备0000001号", "黔ICP备0000001号", Province.GUIZHOU_QIAN, FilingKind.ICP_FILING, "0000001", 0),
                Arguments.of("新ICP备1234567890号-1", "新ICP备1234567890号-1", Province.XINJIANG, FilingKind.ICP_FILING, "1234567890", 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesValidNumbers(String input, String canonical, Province province, FilingKind kind, String serial,
                            int websiteIndex) {
        FilingNumber n = FilingNumber.parse(input);
        assertEquals(canonical, n.toString());
        assertEquals(province, n.province());
        assertEquals(kind, n.kind());
        assertEquals(serial, n.serial());
        assertEquals(websiteIndex, n.websiteIndex());
        assertEquals(websiteIndex != 0, n.isWebsite());
        assertEquals(n, FilingNumber.parse(canonical), "canonical form parses to the same number");
        assertEquals(n.hashCode(), FilingNumber.parse(canonical).hashCode());
    }

    /** input, the words the message must contain. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void packsIntoALongAndBack(String input) {
        FilingNumber n = FilingNumber.parse(input);
        FilingNumber back = FilingNumber.unpack(n.packed());
        assertEquals(n, back);
        assertEquals(n.toString(), back.toString());
        if (!n.isWebsite()) {
            FilingNumber site = n.website(9999);
            assertEquals(site, FilingNumber.unpack(site.packed()));
            assertEquals(n.toString().replace(" ", "") + "-9999", site.toString());
        }
    }

    @Test
    void aLongThatIsNoNumberIsRefused() {
        long good = FilingNumber.parse("京ICP备11018762号").packed();
        assertThrows(IllegalArgumentException.class, () -> FilingNumber.unpack(good | 0x3fL << 57)); // province
        assertThrows(IllegalArgumentException.class, () -> FilingNumber.unpack(good | 0xfL << 53)); // kind
        assertThrows(IllegalArgumentException.class, () -> FilingNumber.unpack(good & ~(0x1fL << 34))); // digits
        long sevenDigits = good & ~(0x1fL << 34) | 7L << 34; // 11018762 has eight
        assertThrows(IllegalArgumentException.class, () -> FilingNumber.unpack(sevenDigits));
        assertEquals("京ICP备011018762号", FilingNumber.unpack(good & ~(0x1fL << 34) | 9L << 34).toString().replace(" ", ""));
        assertThrows(IllegalArgumentException.class, () -> FilingNumber.parse("京ICP备11018762号-1").website(2));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("", "it is empty"),
                Arguments.of("   ", "it is empty"),
                Arguments.of("ICP备11018762号", "unknown province abbreviation 'I'"),
                Arguments.of("港ICP备11018762号", "unknown province abbreviation '港'"),
                Arguments.of("北京ICP备11018762号", "unknown province abbreviation '北'"),
                Arguments.of("京ICP11018762号", "missing 备 or 证 after ICP"),
                Arguments.of("京ICP案11018762号", "missing 备 or 证 after ICP"),
                Arguments.of("京ICP", "missing 备 or 证 after ICP"),
                Arguments.of("京备11018762号", "expected ICP备, ICP证 or B2- after the province"),
                Arguments.of("京公网安备11010502030143号", "expected ICP备, ICP证 or B2- after the province"),
                Arguments.of("京", "expected ICP备, ICP证 or B2- after the province"),
                Arguments.of("京ICP备12345号", "serial must have 6 to 10 digits, found 5"),
                Arguments.of("京ICP备12345678901号", "serial must have 6 to 10 digits, found 11"),
                Arguments.of("京ICP备号", "serial must have 6 to 10 digits, found 0"),
                Arguments.of("京ICP证03017号", "serial must have 6 to 10 digits, found 5"),
                Arguments.of("粤B2-2009005", "a B2 licence serial has 8 digits, found 7"),
                Arguments.of("粤B2-200900591", "a B2 licence serial has 8 digits, found 9"),
                Arguments.of("粤B2-", "a B2 licence serial has 8 digits, found 0"),
                Arguments.of("京ICP备11018762", "missing 号 after the serial"),
                Arguments.of("京ICP备11018762-1", "missing 号 after the serial"),
                Arguments.of("京ICP备11018762号-", "website suffix must be -N with 1 to 4 digits"),
                Arguments.of("京ICP备11018762号-12345", "website suffix must be -N with 1 to 4 digits"),
                Arguments.of("京ICP备11018762号-a", "website suffix must be -N with 1 to 4 digits"),
                Arguments.of("京ICP备11018762号-0", "without leading zeros"),
                Arguments.of("京ICP备11018762号-01", "without leading zeros"),
                Arguments.of("粤B2-20090059-", "website suffix must be -N with 1 to 4 digits"),
                Arguments.of("京ICP备11018762号x", "unexpected 'X' after the number"),
                Arguments.of("京ICP备11018762号-1号", "unexpected '号' after the number"),
                Arguments.of("京ICP备11018762号-1-2", "unexpected '-2' after the number"),
                Arguments.of("粤B2-20090059号", "unexpected '号' after the number"),
                Arguments.of("京ICP备1101876a号", "missing 号 after the serial"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsInvalidNumbersWithAReason(String input, String expected) {
        InvalidFilingNumberException e = assertThrows(InvalidFilingNumberException.class, () -> FilingNumber.parse(input));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
        assertTrue(e.getMessage().contains("'" + input + "'"), "message quotes the input");
    }

    @Test
    void everyListedProvinceParses() {
        String listed = "京 津 沪 渝 冀 晋 蒙 辽 吉 黑 苏 浙 皖 闽 赣 鲁 豫 鄂 湘 粤 桂 琼 川 蜀 贵 黔 云 滇 藏 陕 甘 陇 青 宁 新";
        String[] abbreviations = listed.split(" ");
        assertEquals(Province.values().length, abbreviations.length);
        for (String a : abbreviations) {
            FilingNumber n = FilingNumber.parse(a + "ICP备12345678号-1");
            assertEquals(a.charAt(0), n.province().abbreviation());
            assertEquals(a + "ICP备12345678号-1", n.toString());
        }
    }

    @Test
    void websiteKnowsItsSubjectExactly() {
        FilingNumber subject = FilingNumber.parse("京ICP备11018762号");
        FilingNumber website = FilingNumber.parse("京ICP备11018762号-1");
        assertTrue(website.isWebsiteOf(subject));
        assertEquals(subject, website.subject());
        assertEquals(subject, subject.subject());
        assertFalse(subject.isWebsiteOf(subject), "a subject is not its own website");
        assertFalse(website.isWebsiteOf(website), "a website is not a website of a website");
        assertFalse(website.isWebsiteOf(FilingNumber.parse("京ICP备11018763号")), "other serial");
        assertFalse(website.isWebsiteOf(FilingNumber.parse("津ICP备11018762号")), "other province");
        assertFalse(website.isWebsiteOf(FilingNumber.parse("京ICP证11018762号")), "other kind");
        assertFalse(FilingNumber.parse("京ICP备011018762号-1").isWebsiteOf(subject), "leading zero makes another serial");
        assertTrue(FilingNumber.parse("粤B2-20090059-1").isWebsiteOf(FilingNumber.parse("粤B2-20090059")));
    }

    @Test
    void leadingZerosAreKept() {
        assertEquals("京ICP证030173号", FilingNumber.parse("京ICP证030173号").toString());
        assertFalse(FilingNumber.parse("京ICP证030173号").equals(FilingNumber.parse("京ICP证0030173号")));
    }
}
