package dev.beian.gateway;

/** Command line entry point (SPEC §3). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("beian-gateway: not yet implemented");
        System.exit(2);
    }
}
