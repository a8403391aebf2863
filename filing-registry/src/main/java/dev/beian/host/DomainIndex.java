package dev.beian.host;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Longest-suffix lookup of registry domains at label boundaries (SPEC §6 step 3): {@code a.b.example.cn}
 * finds {@code example.cn}; {@code badexample.cn} never does.
 *
 * <p>Built once per registry and then only read, from any thread. The domains sit in a dense array in
 * insertion order; an open-addressing table of longs ({@code hash << 32 | index + 1}) finds them, so a
 * probe costs one memory access and a miss never touches a string. A lookup walks the host's suffixes
 * right to left in one pass, computing each suffix's {@link String#hashCode()} incrementally, and compares
 * in place ({@link String#regionMatches}): no allocation. Suffixes with fewer labels than the shortest
 * indexed domain (the bare top-level domain, for a registry) are not probed at all. For a million domains
 * the structure costs about 24 MB beyond the strings, which the registry holds anyway.
 *
 * @param <V> what a domain maps to
 */
public final class DomainIndex<V> {
    private static final int GOLDEN = 0x9E3779B9;

    private final long[] table;
    private final String[] keys;
    private final Object[] values;
    private final int size;
    private final int shift;
    private final int minDots;

    private DomainIndex(long[] table, String[] keys, Object[] values, int size, int minDots) {
        this.table = table;
        this.keys = keys;
        this.values = values;
        this.size = size;
        this.shift = 32 - Integer.numberOfTrailingZeros(table.length);
        this.minDots = minDots;
    }

    public static <V> Builder<V> builder(int expectedSize) {
        return new Builder<>(expectedSize);
    }

    public int size() {
        return size;
    }

    /** The value of exactly this domain, or null. */
    public V get(String domain) {
        int index = find(domain, 0, domain.hashCode());
        return index < 0 ? null : valueAt(index);
    }

    /**
     * The longest indexed domain equal to {@code host} or a parent of it at a label boundary, or null.
     * {@code host} must be normalised (lower-case ASCII, no trailing dot).
     */
    public Match<V> longestMatch(String host) {
        int index = longestMatchIndex(host);
        return index < 0 ? null : new Match<>(keys[index], valueAt(index));
    }

    /** Like {@link #longestMatch} but returns only the value: no allocation at all. */
    public V longestMatchValue(String host) {
        int index = longestMatchIndex(host);
        return index < 0 ? null : valueAt(index);
    }

    /**
     * The position of the longest indexed domain equal to {@code host} or a parent of it, or -1; read it
     * with {@link #keyAt} and {@link #valueAt}. The allocation-free form of {@link #longestMatch}.
     */
    public int longestMatchIndex(String host) {
        int hash = 0;
        int power = 1;
        int best = -1;
        int dots = 0;
        for (int i = host.length() - 1; i >= 0; i--) {
            char c = host.charAt(i);
            hash += c * power;
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

    private int find(String host, int from, int hash) {
        int len = host.length() - from;
        int mask = table.length - 1;
        int slot = (hash * GOLDEN) >>> shift;
        while (true) {
            long entry = table[slot];
            if (entry == 0) {
                return -1;
            }
            if ((int) (entry >>> 32) == hash) {
                int index = (int) entry - 1;
                String key = keys[index];
                if (key.length() == len && host.regionMatches(from, key, 0, len)) {
                    return index;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The value at a position {@link #longestMatchIndex} returned. */
    @SuppressWarnings("unchecked")
    public V valueAt(int index) {
        return (V) values[index];
    }

    /** The domain at a position {@link #longestMatchIndex} returned. */
    public String keyAt(int index) {
        return keys[index];
    }

    /** The same domains mapped to other values; the table is shared, only the values are copied. */
    public <W> DomainIndex<W> mapValues(Function<? super V, ? extends W> mapper) {
        Object[] mapped = new Object[size];
        for (int i = 0; i < size; i++) {
            mapped[i] = mapper.apply(valueAt(i));
        }
        return new DomainIndex<>(table, keys, mapped, size, minDots);
    }

    /** Every domain and its value, in the order they were added. */
    public void forEach(BiConsumer<String, V> action) {
        for (int i = 0; i < size; i++) {
            action.accept(keys[i], valueAt(i));
        }
    }

    /** A matched registry domain and its value. */
    public record Match<V>(String domain, V value) {
    }

    /** Collects domains; not thread-safe. */
    public static final class Builder<V> {
        private long[] table;
        private String[] keys;
        private Object[] values;
        private int size;
        private int minDots = Integer.MAX_VALUE;

        Builder(int expectedSize) {
            int n = Math.max(expectedSize, 16);
            table = new long[capacityFor(n)];
            keys = new String[n];
            values = new Object[n];
        }

        private static int capacityFor(int n) {
            // load factor at most 2/3 keeps linear probing short
            long wanted = (long) n * 3 / 2 + 1;
            return (int) Math.min(1L << 30, Long.highestOneBit(wanted - 1) << 1);
        }

        /**
         * Adds a domain; returns the value already stored for it (and keeps that one), or null when added.
         */
        @SuppressWarnings("unchecked")
        public V putIfAbsent(String domain, V value) {
            Objects.requireNonNull(domain);
            Objects.requireNonNull(value);
            int hash = domain.hashCode();
            int mask = table.length - 1;
            int slot = (hash * GOLDEN) >>> (32 - Integer.numberOfTrailingZeros(table.length));
            long entry;
            while ((entry = table[slot]) != 0) {
                if ((int) (entry >>> 32) == hash && keys[(int) entry - 1].equals(domain)) {
                    return (V) values[(int) entry - 1];
                }
                slot = (slot + 1) & mask;
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = domain;
            values[size] = value;
            table[slot] = (long) hash << 32 | (size + 1L);
            size++;
            minDots = Math.min(minDots, dots(domain));
            if (size * 3L > table.length * 2L) {
                rehash(table.length * 2);
            }
            return null;
        }

        private static int dots(String domain) {
            int dots = 0;
            for (int i = 0; i < domain.length(); i++) {
                if (domain.charAt(i) == '.') {
                    dots++;
                }
            }
            return dots;
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

        public DomainIndex<V> build() {
            return new DomainIndex<>(table, Arrays.copyOf(keys, size), Arrays.copyOf(values, size), size,
                    size == 0 ? 0 : minDots);
        }
    }
}
