package dev.beian.registry;

/** One problem in a registry file, at a 1-based line and column. */
public record RegistryError(int line, int column, String message) implements Comparable<RegistryError> {

    /** {@code file:line:column: message}, the form editors and CI logs link to. */
    public String format(String file) {
        return file + ":" + line + ":" + column + ": " + message;
    }

    @Override
    public int compareTo(RegistryError o) {
        int c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }

    @Override
    public String toString() {
        return line + ":" + column + ": " + message;
    }
}
