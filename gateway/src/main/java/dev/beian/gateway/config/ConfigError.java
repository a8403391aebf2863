package dev.beian.gateway.config;

/** One problem in gateway.yaml, at a 1-based line and column. */
public record ConfigError(int line, int column, String message) {
    public String format(String file) {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
