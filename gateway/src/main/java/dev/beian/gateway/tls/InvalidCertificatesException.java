package dev.beian.gateway.tls;

import java.util.List;

/** A certificates folder with problems; it was refused whole. Each line names its file. */
public final class InvalidCertificatesException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<String> errors;

    InvalidCertificatesException(List<String> errors) {
        super(errors.size() + " problem(s), first " + errors.get(0));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
