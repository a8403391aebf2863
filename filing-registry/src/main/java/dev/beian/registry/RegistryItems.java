package dev.beian.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a registry file of the usual shape into its subject items (one {@code - } entry of {@code subjects}
 * each), with the line each starts on and a hash of its bytes. Two uses: pieces of whole items are composed
 * and checked in parallel, so that each piece's YAML nodes die young (SnakeYAML composes about 20 MB/s on
 * one core and allocates some 40 bytes per byte of input); and an item whose bytes did not change since
 * the registry in service was loaded need not be parsed again at all (a reload, or a restart from the
 * compiled registry, parses only what changed).
 *
 * <p>The usual shape: comments and blank lines, then {@code subjects:} alone on its line at column 0,
 * then a block sequence whose items ({@code - }) all start at one indentation. Inside it, a line indented
 * no deeper than the items is always a new item (YAML's indentation rules leave nothing else possible at
 * that column), so the cut points are found by looking at line starts only. Any other shape returns null,
 * and the file is composed whole, as are files whose pieces do not parse on their own (an alias to an
 * anchor in another piece, say): the whole-file parse then reports the authoritative error.
 */
final class RegistryItems {
    /** Below this size, cutting into pieces costs more than it saves. */
    static final int MIN_BYTES_TO_SPLIT = 1 << 20;
    /** Target size of one piece, in bytes. */
    static final int TARGET_BYTES = 1 << 18;
    /** The hash of an item that is never reused: it may lean on an anchor elsewhere ('&', '*'). */
    static final long NOT_REUSABLE = 0;

    /** One run of whole subject items: bytes {@code [offset, offset+length)}, starting at 0-based line {@code firstLine}. */
    record Segment(int offset, int length, int firstLine, int firstItem, int items) {
    }

    private final byte[] text;
    private final int count;
    /** Item {@code i} is {@code text[start[i], start[i + 1])}. */
    private final int[] start;
    /** The 0-based line item {@code i} starts on. */
    private final int[] line;

    private RegistryItems(byte[] text, int count, int[] start, int[] line) {
        this.text = text;
        this.count = count;
        this.start = start;
        this.line = line;
    }

    int count() {
        return count;
    }

    int start(int item) {
        return start[item];
    }

    int line(int item) {
        return line[item];
    }

    /** The pieces of at least {@code targetBytes} (the last one may be shorter), of whole items. */
    List<Segment> segments(int targetBytes) {
        List<Segment> segments = new ArrayList<>();
        int first = 0;
        for (int i = 1; i <= count; i++) {
            if (i == count || start[i] - start[first] >= targetBytes) {
                segments.add(new Segment(start[first], start[i] - start[first], line[first], first, i - first));
                first = i;
            }
        }
        return segments;
    }

    /** The run of items {@code [from, to)} as a segment. */
    Segment run(int from, int to) {
        return new Segment(start[from], start[to] - start[from], line[from], from, to - from);
    }

    /** A 64-bit hash of each item's bytes; {@link #NOT_REUSABLE} for one that may lean on an anchor elsewhere. */
    long[] hashes() {
        long[] hashes = new long[count];
        for (int i = 0; i < count; i++) {
            hashes[i] = hash(text, start[i], start[i + 1]);
        }
        return hashes;
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** A multiply-rotate hash of 8 bytes at a time with a final mix; not for adversaries (the file's author is trusted). */
    static long hash(byte[] text, int from, int to) {
        long h = 0x9E3779B97F4A7C15L ^ (to - from);
        boolean anchor = false;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long word = (long) LONGS.get(text, i);
            anchor |= hasByte(word, '&') | hasByte(word, '*');
            h = Long.rotateLeft(h ^ word * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B185EBCA87L;
        }
        for (; i < to; i++) {
            anchor |= text[i] == '&' || text[i] == '*';
            h = Long.rotateLeft(h ^ (text[i] & 0xffL) * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B185EBCA87L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return anchor || h == NOT_REUSABLE ? NOT_REUSABLE : h;
    }

    /** Whether any byte of {@code word} is {@code b} (the classic has-zero-byte test on word ^ b*0x01..01). */
    private static boolean hasByte(long word, int b) {
        long x = word ^ (0x0101010101010101L * b);
        return ((x - 0x0101010101010101L) & ~x & 0x8080808080808080L) != 0;
    }

    /** The items of a UTF-8 file, or null when it is not of the usual shape. */
    static RegistryItems split(byte[] text) {
        int n = text.length;
        int pos = 0;
        int line = 0;
        if (n >= 3 && (text[0] & 0xff) == 0xef && (text[1] & 0xff) == 0xbb && (text[2] & 0xff) == 0xbf) {
            return null; // a byte-order mark: rare enough to read whole
        }
        // 1. the root key
        while (true) {
            if (pos >= n) {
                return null;
            }
            int end = lineEnd(text, pos);
            int first = skipSpaces(text, pos, end);
            boolean blank = first == end || text[first] == '#';
            int linePos = pos;
            pos = next(text, end);
            line++;
            if (blank) {
                continue;
            }
            if (!isRootKey(text, linePos, end)) {
                return null;
            }
            break;
        }
        // 2. the first item fixes the indentation
        int indent = -1;
        int count = 0;
        int[] starts = new int[Math.max(16, n / 512)];
        int[] lines = new int[starts.length];
        while (pos < n) {
            int end = lineEnd(text, pos);
            int first = skipSpaces(text, pos, end);
            int col = first - pos;
            boolean blank = first == end || text[first] == '#';
            if (!blank) {
                byte c = text[first];
                if (c == '\t') {
                    return null;
                }
                boolean item = c == '-' && (first + 1 == end || text[first + 1] == ' ');
                if (indent < 0 && !item) {
                    return null;
                }
                if (indent < 0 || col <= indent) {
                    if (indent >= 0 && (col < indent || !item)) {
                        return null; // another top-level key, or a shape we do not cut
                    }
                    indent = col;
                    if (count + 1 >= starts.length) {
                        starts = java.util.Arrays.copyOf(starts, starts.length * 2);
                        lines = java.util.Arrays.copyOf(lines, starts.length);
                    }
                    starts[count] = pos;
                    lines[count] = line;
                    count++;
                }
            }
            pos = next(text, end);
            line++;
        }
        if (indent < 0) {
            return null;
        }
        starts[count] = n;
        return new RegistryItems(text, count, starts, lines);
    }

    private static boolean isRootKey(byte[] text, int from, int end) {
        byte[] key = {'s', 'u', 'b', 'j', 'e', 'c', 't', 's', ':'};
        if (end - from < key.length) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (text[from + i] != key[i]) {
                return false;
            }
        }
        int rest = skipSpaces(text, from + key.length, end);
        return rest == end || text[rest] == '#';
    }

    private static int skipSpaces(byte[] text, int from, int end) {
        int i = from;
        while (i < end && text[i] == ' ') {
            i++;
        }
        return i;
    }

    /** Index of the line's terminating '\n' or '\r', or the text's end. */
    private static int lineEnd(byte[] text, int pos) {
        int i = pos;
        while (i < text.length && text[i] != '\n' && text[i] != '\r') {
            i++;
        }
        return i;
    }

    private static int next(byte[] text, int end) {
        if (end < text.length && text[end] == '\r' && end + 1 < text.length && text[end + 1] == '\n') {
            return end + 2;
        }
        return end + 1;
    }
}
