package dev.beian.filing;

/** The three printed forms of a filing number (SPEC §1). */
public enum FilingKind {
    /** 非经营性备案: {@code 京ICP备11018762号}. */
    ICP_FILING("ICP备"),
    /** Early-style licence number: {@code 京ICP证030173号}. */
    ICP_LICENCE("ICP证"),
    /** 增值电信业务经营许可证: {@code 粤B2-20090059}. */
    OPERATING_LICENCE("B2-");

    private final String marker;

    FilingKind(String marker) {
        this.marker = marker;
    }

    /** What stands between the province and the serial in the canonical form. */
    public String marker() {
        return marker;
    }
}
