package dev.beian.filing;

import java.util.Objects;

/**
 * An ICP filing number (备案号) or operating licence number in canonical form.
 *
 * <p>Parsing forgives what real web pages print (stray spaces, full-width digits and letters, lower-case
 * {@code icp}) and rejects anything else with a message that names the problem. The canonical form is
 * half-width, upper-case, without spaces. Instances are compact (no strings held) because a registry holds
 * one per subject and website, millions of them on a large platform; {@link #toString()} rebuilds the text.
 */
public final class FilingNumber {
    static final int MIN_SERIAL_DIGITS = 6;
    static final int MAX_SERIAL_DIGITS = 10;
    static final int LICENCE_SERIAL_DIGITS = 8;
    static final int MAX_WEBSITE_DIGITS = 4;
    // values() copies its array at every call: a compiled registry unpacks some 300,000 numbers when it opens
    private static final Province[] PROVINCES = Province.values();
    private static final FilingKind[] KINDS = FilingKind.values();

    private final Province province;
    private final FilingKind kind;
    private final long serial;
    private final byte serialDigits;
    private final short websiteIndex;

    private FilingNumber(Province province, FilingKind kind, long serial, int serialDigits, int websiteIndex) {
        this.province = province;
        this.kind = kind;
        this.serial = serial;
        this.serialDigits = (byte) serialDigits;
        this.websiteIndex = (short) websiteIndex;
    }

    /**
     * Parses a filing number as printed anywhere.
     *
     * @throws InvalidFilingNumberException with a message that says what is wrong
     */
    public static FilingNumber parse(String input) {
        Objects.requireNonNull(input, "input");
        String s = clean(input);
        if (s.isEmpty()) {
            throw new InvalidFilingNumberException(input, "it is empty");
        }
        Province province = Province.of(s.charAt(0));
        if (province == null) {
            throw new InvalidFilingNumberException(input, "unknown province abbreviation '" + s.charAt(0)
                    + "' (expected one of " + Province.allAbbreviations() + ")");
        }
        int i = 1;
        FilingKind kind;
        if (s.startsWith("ICP", i)) {
            i += 3;
            if (i < s.length() && s.charAt(i) == '备') {
                kind = FilingKind.ICP_FILING;
            } else if (i < s.length() && s.charAt(i) == '证') {
                kind = FilingKind.ICP_LICENCE;
            } else {
                throw new InvalidFilingNumberException(input, "missing 备 or 证 after ICP");
            }
            i++;
        } else if (s.startsWith("B2-", i)) {
            kind = FilingKind.OPERATING_LICENCE;
            i += 3;
        } else {
            throw new InvalidFilingNumberException(input, "expected ICP备, ICP证 or B2- after the province");
        }

        int serialStart = i;
        while (i < s.length() && isDigit(s.charAt(i))) {
            i++;
        }
        int digits = i - serialStart;
        if (kind == FilingKind.OPERATING_LICENCE) {
            if (digits != LICENCE_SERIAL_DIGITS) {
                throw new InvalidFilingNumberException(input,
                        "a B2 licence serial has " + LICENCE_SERIAL_DIGITS + " digits, found " + digits);
            }
        } else if (digits < MIN_SERIAL_DIGITS || digits > MAX_SERIAL_DIGITS) {
            throw new InvalidFilingNumberException(input, "serial must have " + MIN_SERIAL_DIGITS + " to "
                    + MAX_SERIAL_DIGITS + " digits, found " + digits);
        }
        long serial = Long.parseLong(s, serialStart, i, 10);

        if (kind != FilingKind.OPERATING_LICENCE) {
            if (i >= s.length() || s.charAt(i) != '号') {
                throw new InvalidFilingNumberException(input, "missing 号 after the serial");
            }
            i++;
        }

        int websiteIndex = 0;
        if (i < s.length() && s.charAt(i) == '-') {
            i++;
            int indexStart = i;
            while (i < s.length() && isDigit(s.charAt(i))) {
                i++;
            }
            int n = i - indexStart;
            if (n < 1 || n > MAX_WEBSITE_DIGITS) {
                throw new InvalidFilingNumberException(input, "website suffix must be -N with 1 to "
                        + MAX_WEBSITE_DIGITS + " digits");
            }
            if (s.charAt(indexStart) == '0') {
                throw new InvalidFilingNumberException(input, "website suffix must be a number from 1, without leading zeros");
            }
            websiteIndex = Integer.parseInt(s, indexStart, i, 10);
        }
        if (i != s.length()) {
            throw new InvalidFilingNumberException(input, "unexpected '" + s.substring(i) + "' after the number");
        }
        return new FilingNumber(province, kind, serial, digits, websiteIndex);
    }

    /** Drops white space, folds full-width forms to half-width and upper-cases ASCII letters. */
    static String clean(String input) {
        if (isClean(input)) {
            return input;
        }
        StringBuilder sb = new StringBuilder(input.length());
        for (int k = 0; k < input.length(); k++) {
            char c = input.charAt(k);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u200b' || c == '\ufeff') {
                continue;
            }
            if (c >= '\uff01' && c <= '\uff5e') {
                c = (char) (c - 0xfee0);
            } else if (c == '\u2010' || c == '\u2011' || c == '\u2012' || c == '\u2013' || c == '\u2014'
                    || c == '\u2212') {
                c = '-';
            }
            if (c >= 'a' && c <= 'z') {
                c = (char) (c - 32);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** True when {@link #clean} would change nothing: the canonical text registries mostly hold. */
    private static boolean isClean(String s) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c <= ' ' || c >= 'a' && c <= 'z' || c >= '\u2000' && c <= '\u3000' || c >= '\uff01') {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    public Province province() {
        return province;
    }

    public FilingKind kind() {
        return kind;
    }

    /** The serial as printed, leading zeros kept ({@code 030173}). */
    public String serial() {
        String digits = Long.toString(serial);
        return "0".repeat(serialDigits - digits.length()) + digits;
    }

    /** The website index N of a {@code -N} number; 0 for a subject (主体) number. */
    public int websiteIndex() {
        return websiteIndex;
    }

    /** True for a website number ({@code ...号-1}), false for a subject number. */
    public boolean isWebsite() {
        return websiteIndex != 0;
    }

    /** The subject number this website number belongs to; itself for a subject number. */
    public FilingNumber subject() {
        return isWebsite() ? new FilingNumber(province, kind, serial, serialDigits, 0) : this;
    }

    /**
     * The number in one long (serial: 34 bits, its digit count, website index, kind, province), for a
     * compiled registry to store a quarter of a million numbers without parsing them back.
     */
    public long packed() {
        return serial | (long) serialDigits << 34 | (long) websiteIndex << 39 | (long) kind.ordinal() << 53
                | (long) province.ordinal() << 57;
    }

    /** The number {@link #packed()} gave; IllegalArgumentException for a long no number packs to. */
    public static FilingNumber unpack(long packed) {
        long serial = packed & ((1L << 34) - 1);
        int digits = (int) (packed >>> 34) & 0x1f;
        int website = (int) (packed >>> 39) & 0x3fff;
        int kind = (int) (packed >>> 53) & 0xf;
        int province = (int) (packed >>> 57) & 0x3f;
        if (kind >= KINDS.length || province >= PROVINCES.length || digits > MAX_SERIAL_DIGITS
                || website > 9999 || decimalDigits(serial) > digits) {
            throw new IllegalArgumentException("not a packed filing number: " + Long.toHexString(packed));
        }
        return new FilingNumber(PROVINCES[province], KINDS[kind], serial, digits, website);
    }

    /** How many digits {@code Long.toString(serial)} has, without making the string. */
    private static int decimalDigits(long serial) {
        int n = 1;
        for (long v = serial; v >= 10; v /= 10) {
            n++;
        }
        return n;
    }

    /** The website number {@code this + "-n"} of this subject number. */
    public FilingNumber website(int n) {
        if (isWebsite() || n < 1 || n > 9999) {
            throw new IllegalArgumentException("no website " + n + " of " + this);
        }
        return new FilingNumber(province, kind, serial, serialDigits, n);
    }

    /** True exactly when this is a website number of {@code subject}, which must be a subject number. */
    public boolean isWebsiteOf(FilingNumber subject) {
        return isWebsite() && !subject.isWebsite() && province == subject.province && kind == subject.kind
                && serial == subject.serial && serialDigits == subject.serialDigits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilingNumber other && province == other.province && kind == other.kind
                && serial == other.serial && serialDigits == other.serialDigits
                && websiteIndex == other.websiteIndex;
    }

    @Override
    public int hashCode() {
        return Objects.hash(province, kind, serial, serialDigits, websiteIndex);
    }

    /** The canonical form: {@code 京ICP备11018762号-1}, {@code 粤B2-20090059-1}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(24).append(province.abbreviation()).append(kind.marker()).append(serial());
        if (kind != FilingKind.OPERATING_LICENCE) {
            sb.append('号');
        }
        if (isWebsite()) {
            sb.append('-').append(websiteIndex);
        }
        return sb.toString();
    }
}
