package dev.beian.gateway.config;

import dev.beian.yaml.YamlError;
import java.util.List;

/** gateway.yaml with errors; the gateway does not start on it. */
public final class InvalidConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<YamlError> errors;
    private final String file;

    InvalidConfigException(String file, List<YamlError> errors) {
        super(file + ": " + errors.size() + " error(s), first " + errors.get(0).format(file));
        this.file = file;
        this.errors = List.copyOf(errors);
    }

    public List<YamlError> errors() {
        return errors;
    }

    public String file() {
        return file;
    }
}
