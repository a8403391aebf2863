package dev.beian.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SnakeYAML's syntax errors said in the terms of someone editing a file by hand, with the key path of the
 * place ({@code in subjects[2].websites[0]}). SnakeYAML names what its scanner expected
 * ("could not find expected ':'"); an admin needs what to change. Kept as a table: each row a phrase of
 * SnakeYAML's and what it usually means in a hand-edited file. A problem not in the table is passed on as
 * SnakeYAML says it.
 */
public final class YamlSyntax {
    private static final String[][] EXPLAINED = {
            {"could not find expected ':'", "a line that is neither 'key: value' nor a '- ' list item "
                    + "(a ':' missing, or a quote opened above and never closed?)"},
            {"mapping values are not allowed here", "a ':' where no key can start (quote a value that holds ': ', "
                    + "or check this line's indentation)"},
            {"cannot start any token", "a character that cannot begin a value here (a tab? YAML indents with spaces only; "
                    + "quote a value that starts with @, ` or %)"},
            {"did not find expected key", "this line does not line up with the keys above it (check its indentation)"},
            {"did not find expected '-' indicator", "this list item's '-' does not line up with the items above it"},
            {"expected ',' or ']'", "a [ ] list that is not closed with ']' (or an item in it that needs quotes)"},
            {"expected ',' or '}'", "a { } mapping that is not closed with '}'"},
            {"found unexpected end of stream", "the file ends inside a quoted value or a list: was it cut short?"},
            {"expected <block end>", "this line does not line up with the lines above it (check its indentation)"},
            {"found undefined alias", "a '*name' that refers to no '&name' above it"},
            {"found unknown escape character", "an unknown '\\' escape in a double-quoted value (single quotes keep "
                    + "backslashes as they are)"},
            {"special characters are not allowed", "a control character, which a YAML file may not hold"},
            {"found a tab character", "a tab: YAML indents with spaces only"},
    };
    private static final Pattern KEY = Pattern.compile("([A-Za-z0-9_.-]+)\\s*:(\\s|$)");

    private YamlSyntax() {
    }

    /** What SnakeYAML's {@code problem} means for the editor of the file. */
    public static String explain(String problem) {
        if (problem == null) {
            return "the file is not valid YAML";
        }
        for (String[] row : EXPLAINED) {
            if (problem.contains(row[0])) {
                return row[1];
            }
        }
        return problem.strip();
    }

    /**
     * The key path of the mapping or list that line {@code line} (1-based) stands in, by indentation, as an
     * editor reads it: {@code subjects[2].websites[0].domains}; empty at the top level. Best effort: a text
     * with a syntax error has no tree to ask.
     */
    public static String keyPathAt(String text, int line) {
        String[] lines = text.split("\n", -1);
        int at = Math.min(Math.max(line, 1), lines.length) - 1;
        while (at > 0 && blank(lines[at])) {
            at--;
        }
        List<String> parts = new ArrayList<>();
        int bound = blank(lines[at]) ? Integer.MAX_VALUE : indent(lines[at]);
        if (!blank(lines[at])) {
            String content = lines[at].substring(bound);
            if (content.startsWith("- ")) { // "- number: …": the item, then its key
                parts.add("[" + itemIndex(lines, at, bound) + "]");
                content = content.substring(2).stripLeading();
            }
            String own = key(content);
            if (own != null) {
                parts.add(own);
            }
        }
        for (int i = at - 1; i >= 0 && bound > 0; i--) {
            String l = lines[i];
            int ind = indent(l);
            if (blank(l) || ind >= bound) {
                continue;
            }
            String content = l.substring(ind);
            if (content.startsWith("- ") || content.equals("-")) {
                parts.add(0, "[" + itemIndex(lines, i, ind) + "]");
            } else {
                String key = key(content);
                if (key == null) {
                    continue;
                }
                parts.add(0, key);
            }
            bound = ind;
        }
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            if (path.length() > 0 && !part.startsWith("[")) {
                path.append('.');
            }
            path.append(part);
        }
        return path.toString();
    }

    /** The index of the list item that starts at line {@code i}: earlier items at its indentation, counted. */
    private static int itemIndex(String[] lines, int i, int ind) {
        int index = 0;
        for (int j = i - 1; j >= 0; j--) {
            if (blank(lines[j])) {
                continue;
            }
            int other = indent(lines[j]);
            if (other < ind || other == ind && !lines[j].substring(other).startsWith("-")) {
                break;
            }
            if (other == ind) {
                index++;
            }
        }
        return index;
    }

    private static String key(String content) {
        Matcher m = KEY.matcher(content);
        return m.lookingAt() ? m.group(1) : null;
    }

    private static boolean blank(String line) {
        String t = line.strip();
        return t.isEmpty() || t.startsWith("#");
    }

    /** Leading spaces (a tab counted as one, so that a line indented by mistake with tabs still nests). */
    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
