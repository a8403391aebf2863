package dev.beian.registry;

import dev.beian.yaml.YamlError;
import java.util.List;

/** A registry file with errors; it was rejected whole. */
public final class InvalidRegistryException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<YamlError> errors;

    InvalidRegistryException(String source, List<YamlError> errors) {
        super(source + ": " + errors.size() + " error(s), first " + errors.get(0));
        this.errors = List.copyOf(errors);
    }

    /** Every error of the file, in file order. */
    public List<YamlError> errors() {
        return errors;
    }
}
