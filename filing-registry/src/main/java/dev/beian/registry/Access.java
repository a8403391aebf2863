package dev.beian.registry;

/** Where a website's filing is accessed (接入), SPEC §1 lifecycle. */
public enum Access {
    /** Filing issued here, or 接入备案 completed: forward. */
    HERE("here"),
    /** 接入备案 passed this provider's first review: forward until {@code access-until}. */
    PROVISIONAL("provisional"),
    /** Filed at another provider only: block. */
    ELSEWHERE("elsewhere"),
    /** 取消接入: block. */
    WITHDRAWN("withdrawn");

    private final String yamlName;

    Access(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The spelling in registry.yaml and in JSON answers. */
    public String yamlName() {
        return yamlName;
    }

    static Access fromYaml(String s) {
        for (Access a : values()) {
            if (a.yamlName.equals(s)) {
                return a;
            }
        }
        return null;
    }
}
