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
    /** Target size of one piece, in characters. */
    static final int TARGET_CHARS = 1 << 18;

    /** One run of whole subject items, and the 0-based line of the file where it starts. */
    record Segment(String text, int firstLine) {
    }

    private RegistrySegments() {
    }

    static List<Segment> split(String text) {
        if (text.length() < MIN_BYTES_TO_SPLIT) {
            return null;
        }
        int pos = 0;
        int line = 0;
        // 1. the root key
        while (true) {
            int end = lineEnd(text, pos);
            if (end < 0) {
                return null;
            }
            String l = text.substring(pos, end);
            pos = next(text, end);
            line++;
            if (isBlankOrComment(l)) {
                continue;
            }
            if (!isRootKey(l)) {
                return null;
            }
            break;
        }
        // 2. the first item fixes the indentation
        int indent = -1;
        int segmentStart = -1;
        int segmentLine = -1;
        List<Segment> segments = new ArrayList<>();
        while (pos < text.length()) {
            int end = lineEnd(text, pos);
            if (end < 0) {
                end = text.length();
            }
            int col = 0;
            while (pos + col < end && text.charAt(pos + col) == ' ') {
                col++;
            }
            boolean blank = pos + col == end || text.charAt(pos + col) == '#';
            if (!blank) {
                char c = text.charAt(pos + col);
                if (c == '\t') {
                    return null;
                }
                boolean item = c == '-' && (pos + col + 1 == end || text.charAt(pos + col + 1) == ' ');
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
                    if (pos - segmentStart >= TARGET_CHARS) {
                        segments.add(new Segment(text.substring(segmentStart, pos), segmentLine));
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
        segments.add(new Segment(text.substring(segmentStart), segmentLine));
        return segments;
    }

    private static boolean isRootKey(String l) {
        if (!l.startsWith("subjects:")) {
            return false;
        }
        String rest = l.substring("subjects:".length()).strip();
        return rest.isEmpty() || rest.startsWith("#");
    }

    private static boolean isBlankOrComment(String l) {
        String s = l.strip();
        return s.isEmpty() || s.startsWith("#");
    }

    /** Index of the line's terminating '\n' or '\r', or the text's end; -1 when pos is at the end. */
    private static int lineEnd(String text, int pos) {
        if (pos >= text.length()) {
            return -1;
        }
        int i = pos;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
            i++;
        }
        return i;
    }

    private static int next(String text, int end) {
        if (end < text.length() && text.charAt(end) == '\r' && end + 1 < text.length() && text.charAt(end + 1) == '\n') {
            return end + 2;
        }
        return end + 1;
    }
}
