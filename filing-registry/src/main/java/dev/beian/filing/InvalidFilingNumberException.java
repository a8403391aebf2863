package dev.beian.filing;

/** A filing number that does not parse; the message says what is wrong, in words an admin understands. */
public final class InvalidFilingNumberException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidFilingNumberException(String input, String problem) {
        super("invalid filing number '" + input + "': " + problem);
    }
}
