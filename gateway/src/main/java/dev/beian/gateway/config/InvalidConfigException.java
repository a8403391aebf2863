package dev.beian.gateway.config;

import java.util.List;

/** gateway.yaml with errors; the gateway does not start on it. */
public final class InvalidConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;
    private final String file;

    InvalidConfigException(String file, List<ConfigError> errors) {
        super(file + ": " + errors.size() + " error(s), first " + errors.get(0).format(file));
        this.file = file;
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }

    public String file() {
        return file;
    }
}
