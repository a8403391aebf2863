package dev.beian.yaml;

/** One problem in a YAML file of this product (registry.yaml, gateway.yaml), at a 1-based line and column. */
public record YamlError(int line, int column, String message) implements Comparable<YamlError> {

    /** {@code file:line:column: message}, the form editors and CI logs link to. */
    public String format(String file) {
        return file + ":" + line + ":" + column + ": " + message;
    }

    @Override
    public int compareTo(YamlError o) {
        int c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }

    @Override
    public String toString() {
        return line + ":" + column + ": " + message;
    }
}
