package dev.beian.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a registry file of the usual shape into runs of whole subjects, so that they can be composed and
 * checked in parallel and each run's YAML nodes die young. SnakeYAML composes about 20 MB/s on one core,
 * and a whole-file node tree of a million-domain registry is over a gigabyte of live objects; in pieces,
 * both cores work and the live set stays small.
 *
 * <p>The usual shape: comments and blank lines, then {@code subjects:} alone on its line at column 0,
 * then a block sequence whose items ({@code - }) all start at one indentation. Inside it, a line indented
 * no deeper than the items is always a new item (YAML's indentation rules leave nothing else possible at
 * that column), so the cut points are found by looking at line starts only. Any other shape returns null,
 * and the file is composed whole, as are files whose pieces do not parse on their own (an alias to an
 * anchor in another piece, say): the whole-file parse then reports the authoritative error.
 */
final class RegistrySegments {
    /** Below this size, cutting costs more than it saves. */
    static final int MIN_BYTES_TO_SPLIT = 1 << 20;
    /** Target size of one piece, in bytes. */
    static final int TARGET_BYTES = 1 << 18;

    /** One run of whole subject items: bytes {@code [offset, offset+length)}, starting at 0-based line {@code firstLine}. */
    record Segment(int offset, int length, int firstLine) {
    }

    private RegistrySegments() {
    }

    /**
     * The pieces of a UTF-8 file, or null when it is small or not of the usual shape. Works on the bytes:
     * every character that matters here is ASCII, and no byte of a multi-byte UTF-8 character is.
     */
    static List<Segment> split(byte[] text) {
        if (text.length < MIN_BYTES_TO_SPLIT) {
            return null;
        }
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
        int segmentStart = -1;
        int segmentLine = -1;
        List<Segment> segments = new ArrayList<>();
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
                if (indent < 0) {
                    if (!item) {
                        return null;
                    }
                    indent = col;
                    segmentStart = pos;
                    segmentLine = line;
                } else if (col <= indent) {
                    if (col < indent || !item) {
                        return null; // another top-level key, or a shape we do not cut
                    }
                    if (pos - segmentStart >= TARGET_BYTES) {
                        segments.add(new Segment(segmentStart, pos - segmentStart, segmentLine));
                        segmentStart = pos;
                        segmentLine = line;
                    }
                }
            }
            pos = next(text, end);
            line++;
        }
        if (indent < 0) {
            return null;
        }
        segments.add(new Segment(segmentStart, n - segmentStart, segmentLine));
        return segments;
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
