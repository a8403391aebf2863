package dev.beian.registry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A column of strings (names of subjects and websites) as one UTF-8 array: equal strings stored once, each
 * made into a {@code String} only when asked for (a lookup, a block page). A quarter of a million names
 * cost a few megabytes and no objects, and a compiled registry reads them back in one bulk read.
 */
final class Texts {
    private final byte[] utf8;
    /** Distinct string {@code k} is {@code utf8[starts[k], starts[k + 1])}. */
    private final int[] starts;
    /** Entry {@code i} is distinct string {@code refs[i]}. */
    private final int[] refs;

    Texts(byte[] utf8, int[] starts, int[] refs) {
        this.utf8 = utf8;
        this.starts = starts;
        this.refs = refs;
    }

    static Texts empty() {
        return new Texts(new byte[0], new int[1], new int[0]);
    }

    String get(int i) {
        int k = refs[i];
        return new String(utf8, starts[k], starts[k + 1] - starts[k], StandardCharsets.UTF_8);
    }

    int size() {
        return refs.length;
    }

    byte[] utf8() {
        return utf8;
    }

    int[] starts() {
        return starts;
    }

    int[] refs() {
        return refs;
    }

    /** Appends entries; not thread-safe. */
    static final class Builder {
        private final Map<String, Integer> ids = new HashMap<>();
        private byte[] utf8 = new byte[256];
        private int length;
        private int[] starts = new int[16];
        private int[] refs;
        private int size;

        Builder(int expected) {
            refs = new int[Math.max(1, expected)];
        }

        void add(String s) {
            Integer id = ids.get(s);
            if (id == null) {
                id = ids.size();
                ids.put(s, id);
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                if (length + bytes.length > utf8.length) {
                    utf8 = Arrays.copyOf(utf8, Math.max(length + bytes.length, utf8.length * 2));
                }
                System.arraycopy(bytes, 0, utf8, length, bytes.length);
                length += bytes.length;
                if (id + 2 > starts.length) {
                    starts = Arrays.copyOf(starts, starts.length * 2);
                }
                starts[id + 1] = length;
            }
            if (size == refs.length) {
                refs = Arrays.copyOf(refs, size * 2);
            }
            refs[size++] = id;
        }

        Texts build() {
            return new Texts(Arrays.copyOf(utf8, length), Arrays.copyOf(starts, ids.size() + 1),
                    refs.length == size ? refs : Arrays.copyOf(refs, size));
        }
    }
}
