package dev.beian.host;

import java.util.Arrays;

/**
 * Longest-suffix lookup of registry domains at label boundaries (SPEC §6 step 3): {@code a.b.example.cn}
 * finds {@code example.cn}; {@code badexample.cn} never does. Each domain maps to an int (a website's
 * position in its registry).
 *
 * <p>Built once per registry and then only read, from any thread. A million domains is the scale this is
 * built for, so there is no object per domain: the normalised (ASCII) domains sit back to back in one byte
 * array, found through an open-addressing table of longs ({@code hash << 32 | index + 1}), where a probe
 * costs one memory access and a miss never touches the bytes. A lookup walks the host's suffixes right to
 * left in one pass, computing each suffix's {@link String#hashCode()} incrementally, and compares in
 * place: no allocation. Suffixes with fewer labels than the shortest indexed domain (the bare top-level
 * domain, for a registry) are not probed at all. For a million domains of 18 bytes the whole costs about
 * 42 MB, a handful of arrays the collector never copies.
 */
public final class DomainIndex {
    private static final int GOLDEN = 0x9E3779B9;
    private static final DomainIndex EMPTY = new Builder(0, 0).build();

    private final long[] table;
    private final byte[] bytes;
    private final int[] starts;
    private final int[] values;
    private final int size;
    private final int shift;
    private final int minDots;

    DomainIndex(long[] table, byte[] bytes, int[] starts, int[] values, int size, int minDots) {
        this.table = table;
        this.bytes = bytes;
        this.starts = starts;
        this.values = values;
        this.size = size;
        this.shift = 32 - Integer.numberOfTrailingZeros(table.length);
        this.minDots = minDots;
    }

    public static Builder builder(int expectedSize) {
        return new Builder(expectedSize, expectedSize * 24);
    }

    /** {@code expectedBytes}: the domains' total length, when known (no copy at the end). */
    public static Builder builder(int expectedSize, int expectedBytes) {
        return new Builder(expectedSize, expectedBytes);
    }

    public static DomainIndex empty() {
        return EMPTY;
    }

    public int size() {
        return size;
    }

    /** The position of exactly this domain, or -1. */
    public int find(String domain) {
        return find(domain, 0, domain.hashCode());
    }

    /** The position of exactly the domain {@code host[from, to)} (ASCII bytes), or -1. */
    public int find(byte[] host, int from, int to) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + (host[i] & 0xff);
        }
        return find(host, from, to, hash);
    }

    /**
     * The position of the longest indexed domain equal to {@code host} or a parent of it at a label
     * boundary, or -1. {@code host} must be normalised (lower-case ASCII, no trailing dot).
     */
    public int longestMatch(String host) {
        int hash = 0;
        int power = 1;
        int best = -1;
        int dots = 0;
        for (int i = host.length() - 1; i >= 0; i--) {
            hash += host.charAt(i) * power;
            power *= 31;
            if (i == 0 || host.charAt(i - 1) == '.') {
                if (dots >= minDots) {
                    int index = find(host, i, hash);
                    if (index >= 0) {
                        best = index; // later hits are longer suffixes
                    }
                }
                dots++;
            }
        }
        return best;
    }

    /** {@link #longestMatch(String)} of the host {@code host[from, to)} (normalised ASCII bytes). */
    public int longestMatch(byte[] host, int from, int to) {
        int hash = 0;
        int power = 1;
        int best = -1;
        int dots = 0;
        for (int i = to - 1; i >= from; i--) {
            hash += (host[i] & 0xff) * power;
            power *= 31;
            if (i == from || host[i - 1] == '.') {
                if (dots >= minDots) {
                    int index = find(host, i, to, hash);
                    if (index >= 0) {
                        best = index;
                    }
                }
                dots++;
            }
        }
        return best;
    }

    private int find(String host, int from, int hash) {
        int len = host.length() - from;
        int slot = (hash * GOLDEN) >>> shift;
        while (true) {
            long entry = table[slot];
            if (entry == 0) {
                return -1;
            }
            if ((int) (entry >>> 32) == hash) {
                int index = (int) entry - 1;
                int start = starts[index];
                if (starts[index + 1] - start == len && sameChars(host, from, start, len)) {
                    return index;
                }
            }
            slot = (slot + 1) & (table.length - 1);
        }
    }

    private boolean sameChars(String host, int from, int start, int len) {
        for (int k = 0; k < len; k++) {
            if (host.charAt(from + k) != (bytes[start + k] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private int find(byte[] host, int from, int to, int hash) {
        int len = to - from;
        int slot = (hash * GOLDEN) >>> shift;
        while (true) {
            long entry = table[slot];
            if (entry == 0) {
                return -1;
            }
            if ((int) (entry >>> 32) == hash) {
                int index = (int) entry - 1;
                int start = starts[index];
                if (starts[index + 1] - start == len
                        && Arrays.equals(host, from, to, bytes, start, start + len)) {
                    return index;
                }
            }
            slot = (slot + 1) & (table.length - 1);
        }
    }

    /** The value of the domain at a position. */
    public int value(int index) {
        return values[index];
    }

    /** The domain at a position, as a string (allocates: for answers and logs, not the request path). */
    public String domain(int index) {
        int start = starts[index];
        return new String(bytes, start, starts[index + 1] - start, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The bytes of every domain back to back; domain {@code i} is {@code [start(i), start(i + 1))}. */
    public byte[] bytes() {
        return bytes;
    }

    public int start(int index) {
        return starts[index];
    }

    /** The arrays as they are, for a compiled registry to store; never to be modified. */
    public long[] table() {
        return table;
    }

    public int[] starts() {
        return starts;
    }

    public int[] values() {
        return values;
    }

    public int minDots() {
        return minDots;
    }

    /**
     * An index stored and read back without re-hashing: the arrays are taken as they are, so they must be
     * those of {@link #table()} and its siblings of an index built here (a compiled registry checks its
     * bytes before it gets here).
     */
    public static DomainIndex of(long[] table, byte[] bytes, int[] starts, int[] values, int minDots) {
        if (Integer.bitCount(table.length) != 1 || starts.length != values.length + 1
                || starts[values.length] > bytes.length) {
            throw new IllegalArgumentException("inconsistent domain index");
        }
        return new DomainIndex(table, bytes, starts, values, values.length, minDots);
    }

    /** Collects domains; not thread-safe. */
    public static final class Builder {
        private long[] table;
        private byte[] bytes;
        private int[] starts;
        private int[] values;
        private int size;
        private int length;
        private int minDots = Integer.MAX_VALUE;

        Builder(int expectedSize, int expectedBytes) {
            int n = Math.max(expectedSize, 1);
            table = new long[capacityFor(Math.max(n, 16))];
            bytes = new byte[Math.max(expectedBytes, 16)];
            starts = new int[n + 1];
            values = new int[n];
        }

        private static int capacityFor(int n) {
            // load factor at most 2/3 keeps linear probing short
            long wanted = (long) n * 3 / 2 + 1;
            return (int) Math.min(1L << 30, Long.highestOneBit(wanted - 1) << 1);
        }

        public int size() {
            return size;
        }

        /**
         * Adds a normalised (ASCII) domain; returns -1 when added, or the position of the same domain added
         * before (which keeps its value).
         */
        public int add(String domain, int value) {
            int len = domain.length();
            ensureBytes(len);
            for (int k = 0; k < len; k++) {
                char c = domain.charAt(k);
                if (c > 0x7f) {
                    throw new IllegalArgumentException("not a normalised domain: " + domain);
                }
                bytes[length + k] = (byte) c;
            }
            return addAppended(len, value);
        }

        /** {@link #add(String, int)} of the domain {@code source[from, to)}. */
        public int add(byte[] source, int from, int to, int value) {
            int len = to - from;
            ensureBytes(len);
            System.arraycopy(source, from, bytes, length, len);
            return addAppended(len, value);
        }

        private void ensureBytes(int len) {
            if (length + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + len, bytes.length * 2));
            }
        }

        /** The domain's bytes are at {@code bytes[length, length + len)}; index them or take them back. */
        private int addAppended(int len, int value) {
            int hash = 0;
            for (int k = length; k < length + len; k++) {
                hash = 31 * hash + bytes[k];
            }
            int mask = table.length - 1;
            int slot = (hash * GOLDEN) >>> (32 - Integer.numberOfTrailingZeros(table.length));
            long entry;
            while ((entry = table[slot]) != 0) {
                if ((int) (entry >>> 32) == hash) {
                    int index = (int) entry - 1;
                    int start = starts[index];
                    if (starts[index + 1] - start == len
                            && Arrays.equals(bytes, length, length + len, bytes, start, start + len)) {
                        return index;
                    }
                }
                slot = (slot + 1) & mask;
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
                starts = Arrays.copyOf(starts, size * 2 + 1);
            }
            int dots = 0;
            for (int k = length; k < length + len; k++) {
                if (bytes[k] == '.') {
                    dots++;
                }
            }
            minDots = Math.min(minDots, dots);
            values[size] = value;
            table[slot] = (long) hash << 32 | (size + 1L);
            size++;
            length += len;
            starts[size] = length;
            if (size * 3L > table.length * 2L) {
                rehash(table.length * 2);
            }
            return -1;
        }

        private void rehash(int capacity) {
            long[] fresh = new long[capacity];
            int mask = capacity - 1;
            int shift = 32 - Integer.numberOfTrailingZeros(capacity);
            for (long entry : table) {
                if (entry != 0) {
                    int slot = ((int) (entry >>> 32) * GOLDEN) >>> shift;
                    while (fresh[slot] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    fresh[slot] = entry;
                }
            }
            table = fresh;
        }

        public DomainIndex build() {
            return new DomainIndex(table, bytes.length == length ? bytes : Arrays.copyOf(bytes, length),
                    starts.length == size + 1 ? starts : Arrays.copyOf(starts, size + 1),
                    values.length == size ? values : Arrays.copyOf(values, size), size, size == 0 ? 0 : minDots);
        }
    }
}
