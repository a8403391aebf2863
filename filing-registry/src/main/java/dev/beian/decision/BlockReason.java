package dev.beian.decision;

/** Why a host is blocked; the value of {@code X-Beian-Reason} and the {@code outcome} metric label. */
public enum BlockReason {
    /** No registry domain covers the host (首次备案 in progress, or never filed). */
    UNFILED("unfiled"),
    /** Filed, but not accessed here: elsewhere, withdrawn (取消接入), or provisional access expired. */
    NOT_ACCESSED("not_accessed"),
    /** The website or its subject was cancelled (注销). */
    CANCELLED("cancelled");

    private final String label;

    BlockReason(String label) {
        this.label = label;
    }

    /** {@code unfiled}, {@code not_accessed}, {@code cancelled}. */
    public String label() {
        return label;
    }
}
