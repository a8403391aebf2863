package dev.beian.host;

/**
 * The result of normalising a raw host: a host name in lower-case ASCII (IDN converted), an IP literal,
 * or invalid with the reason. A value, not an exception, because hostile clients send invalid hosts at
 * line rate and a stack trace per request would be the cheapest denial of service there is.
 */
public final class NormalizedHost {
    /** What kind of host this is. */
    public enum Kind { NAME, IPV4, IPV6, INVALID }

    private final Kind kind;
    private final String value;

    private NormalizedHost(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    static NormalizedHost name(String ascii) {
        return new NormalizedHost(Kind.NAME, ascii);
    }

    static NormalizedHost ip(Kind kind, String literal) {
        return new NormalizedHost(kind, literal);
    }

    static NormalizedHost invalid(String problem) {
        return new NormalizedHost(Kind.INVALID, problem);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isValid() {
        return kind != Kind.INVALID;
    }

    public boolean isIpLiteral() {
        return kind == Kind.IPV4 || kind == Kind.IPV6;
    }

    /** The normalised host ({@code example.cn}, {@code 10.0.0.1}, {@code [::1]}); null when invalid. */
    public String value() {
        return kind == Kind.INVALID ? null : value;
    }

    /** Why the host is invalid; null when valid. */
    public String problem() {
        return kind == Kind.INVALID ? value : null;
    }

    @Override
    public String toString() {
        return kind + ":" + value;
    }
}
