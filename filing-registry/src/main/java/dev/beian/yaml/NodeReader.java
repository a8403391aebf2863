package dev.beian.yaml;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads SnakeYAML nodes of this product's files and collects every error with the line and column of the
 * node it is about, so that a file is checked whole and each mistake named where it stands. Shared by
 * registry.yaml and gateway.yaml; each reader has its own list, so readers of a file's pieces run in
 * parallel without sharing anything mutable.
 */
public class NodeReader {
    private final int lineOffset;
    private final List<YamlError> errors = new ArrayList<>();

    /** {@code lineOffset}: lines before the text the nodes were composed from (a piece of a larger file). */
    public NodeReader(int lineOffset) {
        this.lineOffset = lineOffset;
    }

    public List<YamlError> errors() {
        return errors;
    }

    public void error(Node node, String message) {
        errors.add(new YamlError(line(node), column(node), message));
    }

    /**
     * A SnakeYAML syntax error at its mark, said in the editor's terms ({@link YamlSyntax}) with the key path
     * of the place in {@code text}, the text that was composed.
     */
    public void syntaxError(YAMLException e, String text) {
        if (e instanceof MarkedYAMLException marked) {
            String problem = marked.getProblem() != null ? marked.getProblem() : marked.getMessage();
            Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
            if (marked.getContextMark() != null && problem != null && (problem.contains("could not find expected ':'")
                    || problem.contains("expected ',' or ']'") || problem.contains("expected ',' or '}'"))) {
                // where the mistake was made (the line without its ':', the '[' never closed), not where
                // SnakeYAML noticed it, often a line or more below
                mark = marked.getContextMark();
            }
            if (mark == null) {
                errors.add(new YamlError(1, 1, "YAML syntax: " + YamlSyntax.explain(problem)));
                return;
            }
            String path = YamlSyntax.keyPathAt(text, mark.getLine() + 1);
            errors.add(new YamlError(mark.getLine() + 1 + lineOffset, mark.getColumn() + 1, "YAML syntax: "
                    + YamlSyntax.explain(problem) + (path.isEmpty() ? "" : " (in " + path + ")")));
        } else {
            errors.add(new YamlError(1, 1, "YAML: " + e.getMessage()));
        }
    }

    public int line(Node node) {
        return node.getStartMark().getLine() + 1 + lineOffset;
    }

    public int column(Node node) {
        return node.getStartMark().getColumn() + 1;
    }

    /**
     * The values of a mapping's keys, in the order of {@code allowed} (null where absent); null when the node
     * is no mapping. Unknown and repeated keys are errors.
     */
    public Node[] slots(Node node, List<String> allowed, String what) {
        if (!(node instanceof MappingNode mapping)) {
            error(node, what + " must be a mapping of keys to values");
            return null;
        }
        Node[] values = new Node[allowed.size()];
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                error(keyNode, "a key must be a plain word");
                continue;
            }
            String key = scalarKey.getValue();
            int slot = allowed.indexOf(key);
            if (slot < 0) {
                error(keyNode, "unknown key '" + key + "' in " + what + " (allowed: " + String.join(", ", sorted(allowed)) + ")");
            } else if (values[slot] != null) {
                error(keyNode, "key '" + key + "' is given twice");
            } else {
                values[slot] = tuple.getValueNode();
            }
        }
        return values;
    }

    /** {@link #slots} by name: key → value node for the keys present; empty when the node is no mapping. */
    public Map<String, Node> mapping(Node node, List<String> allowed, String what) {
        Node[] values = slots(node, allowed, what);
        Map<String, Node> map = new LinkedHashMap<>();
        for (int i = 0; values != null && i < values.length; i++) {
            if (values[i] != null) {
                map.put(allowed.get(i), values[i]);
            }
        }
        return map;
    }

    /** The value of a required key; an error when it is missing or empty. */
    public Node require(Node[] values, int slot, List<String> keys, Node owner) {
        Node node = values[slot];
        if (node == null) {
            error(owner, "missing required key '" + keys.get(slot) + "'");
        } else if (isNull(node)) {
            error(node, "'" + keys.get(slot) + "' must not be empty");
            return null;
        }
        return node;
    }

    public List<Node> sequence(Node node, String what) {
        if (!(node instanceof SequenceNode seq)) {
            error(node, what + " must be a list");
            return List.of();
        }
        return seq.getValue();
    }

    /** A scalar's text, never empty; null (with an error) for a list, a mapping or an empty value. */
    public String text(Node node, String what) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof ScalarNode scalar)) {
            error(node, what + " must be a single value, not a list or mapping");
            return null;
        }
        if (isNull(node) || scalar.getValue().isBlank()) { // explicit null too: "~" is no name
            error(node, what + " must not be empty");
            return null;
        }
        String value = scalar.getValue();
        // plain scalars arrive trimmed; only quoted ones can carry spaces at the ends
        return scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN ? value : value.strip();
    }

    /** An empty value ({@code key:}), {@code ~} or {@code null}, written plain. */
    public static boolean isNull(Node node) {
        if (!(node instanceof ScalarNode scalar) || scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
            return false;
        }
        String v = scalar.getValue();
        return v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL");
    }

    public static List<String> sorted(Collection<String> set) {
        List<String> list = new ArrayList<>(set);
        Collections.sort(list);
        return list;
    }
}
