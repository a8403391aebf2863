package dev.beian.registry;

/** Whether a subject or website filing stands or was cancelled (注销). */
public enum Status {
    ACTIVE("active"),
    CANCELLED("cancelled");

    private final String yamlName;

    Status(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    static Status fromYaml(String s) {
        for (Status st : values()) {
            if (st.yamlName.equals(s)) {
                return st;
            }
        }
        return null;
    }
}
