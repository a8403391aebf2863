package dev.beian.host;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Longest-suffix lookup of registry domains at label boundaries (SPEC §6 step 3): {@code a.b.example.cn}
 * finds {@code example.cn}; {@code badexample.cn} never does.
 *
 * <p>Built once per registry and then only read, from any thread. An open-addressing table of the domain
 * strings themselves, probed with the hash of each suffix of the host computed right to left in one pass,
 * so a lookup allocates nothing and compares in place ({@link String#regionMatches}). Suffix hashes equal
 * {@link String#hashCode()} of the suffix, which the stored strings have already cached. For a million
 * domains the table costs about 24 MB beyond the strings, which the registry holds anyway.
 *
 * @param <V> what a domain maps to
 */
public final class DomainIndex<V> {
    private static final int GOLDEN = 0x9E3779B9;

    private final String[] keys;
    private final int[] hashes;
    private final Object[] values;
    private final int mask;
    private final int shift;
    private final int size;

    private DomainIndex(String[] keys, int[] hashes, Object[] values, int size) {
        this.keys = keys;
        this.hashes = hashes;
        this.values = values;
        this.mask = keys.length - 1;
        this.shift = 32 - Integer.numberOfTrailingZeros(keys.length);
        this.size = size;
    }

    public static <V> Builder<V> builder(int expectedSize) {
        return new Builder<>(expectedSize);
    }

    public int size() {
        return size;
    }

    /** The value of exactly this domain, or null. */
    @SuppressWarnings("unchecked")
    public V get(String domain) {
        int slot = find(domain, 0, domain.hashCode());
        return slot < 0 ? null : (V) values[slot];
    }

    /**
     * The longest indexed domain equal to {@code host} or a parent of it at a label boundary, or null.
     * {@code host} must be normalised (lower-case ASCII, no trailing dot).
     */
    public Match<V> longestMatch(String host) {
        int slot = longestMatchSlot(host);
        return slot < 0 ? null : new Match<>(keys[slot], valueAt(slot));
    }

    /** Like {@link #longestMatch} but returns only the value: no allocation at all. */
    public V longestMatchValue(String host) {
        int slot = longestMatchSlot(host);
        return slot < 0 ? null : valueAt(slot);
    }

    private int longestMatchSlot(String host) {
        int n = host.length();
        int hash = 0;
        int power = 1;
        int best = -1;
        for (int i = n - 1; i >= 0; i--) {
            hash += host.charAt(i) * power;
            power *= 31;
            if (i == 0 || host.charAt(i - 1) == '.') {
                int slot = find(host, i, hash);
                if (slot >= 0) {
                    best = slot; // later hits are longer suffixes
                }
            }
        }
        return best;
    }

    private int find(String host, int from, int hash) {
        int len = host.length() - from;
        int slot = (hash * GOLDEN) >>> shift;
        while (true) {
            String key = keys[slot];
            if (key == null) {
                return -1;
            }
            if (hashes[slot] == hash && key.length() == len && host.regionMatches(from, key, 0, len)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    @SuppressWarnings("unchecked")
    private V valueAt(int slot) {
        return (V) values[slot];
    }

    /** The same domains mapped to other values; the table is shared, only the values are copied. */
    public <W> DomainIndex<W> mapValues(java.util.function.Function<? super V, ? extends W> mapper) {
        Object[] mapped = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            if (keys[i] != null) {
                mapped[i] = mapper.apply(valueAt(i));
            }
        }
        return new DomainIndex<>(keys, hashes, mapped, size);
    }

    /** Every domain and its value, in no particular order. */
    public void forEach(BiConsumer<String, V> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                action.accept(keys[i], valueAt(i));
            }
        }
    }

    /** A matched registry domain and its value. */
    public record Match<V>(String domain, V value) {
    }

    /** Collects domains; not thread-safe. */
    public static final class Builder<V> {
        private String[] keys;
        private int[] hashes;
        private Object[] values;
        private int size;

        Builder(int expectedSize) {
            allocate(capacityFor(Math.max(expectedSize, 16)));
        }

        private static int capacityFor(int n) {
            // load factor at most 2/3 keeps linear probing short
            long wanted = (long) n * 3 / 2 + 1;
            return (int) Math.min(1L << 30, Long.highestOneBit(wanted - 1) << 1);
        }

        private void allocate(int capacity) {
            keys = new String[capacity];
            hashes = new int[capacity];
            values = new Object[capacity];
        }

        /**
         * Adds a domain; returns the value already stored for it (and keeps that one), or null when added.
         */
        @SuppressWarnings("unchecked")
        public V putIfAbsent(String domain, V value) {
            Objects.requireNonNull(domain);
            Objects.requireNonNull(value);
            if ((size + 1) * 3L > keys.length * 2L) {
                grow();
            }
            int hash = domain.hashCode();
            int shift = 32 - Integer.numberOfTrailingZeros(keys.length);
            int mask = keys.length - 1;
            int slot = (hash * GOLDEN) >>> shift;
            while (keys[slot] != null) {
                if (hashes[slot] == hash && keys[slot].equals(domain)) {
                    return (V) values[slot];
                }
                slot = (slot + 1) & mask;
            }
            keys[slot] = domain;
            hashes[slot] = hash;
            values[slot] = value;
            size++;
            return null;
        }

        @SuppressWarnings("unchecked")
        private void grow() {
            String[] oldKeys = keys;
            Object[] oldValues = values;
            allocate(keys.length * 2);
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    putIfAbsent(oldKeys[i], (V) oldValues[i]);
                }
            }
        }

        public DomainIndex<V> build() {
            return new DomainIndex<>(keys, hashes, values, size);
        }
    }
}
