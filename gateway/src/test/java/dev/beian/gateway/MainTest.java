package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands of SPEC §3 and their exit codes, in process. */
class MainTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A registry of {@code n} subjects, one website with one domain {@code sN.cn} each. */
    static String subjects(int n) {
        StringBuilder sb = new StringBuilder("subjects:\n");
        for (int i = 0; i < n; i++) {
            sb.append("  - number: 京ICP备").append(10_000_000 + i).append("号\n    name: s").append(i)
                    .append("\n    websites:\n      - {number: 京ICP备").append(10_000_000 + i)
                    .append("号-1, name: w, access: here, domains: [s").append(i).append(".cn]}\n");
        }
        return sb.toString();
    }

    @Test
    void validateAcceptsTheBundledRegistry() {
        assertEquals(0, run("validate", "--config", "../config/gateway.yaml", "../config/registry.yaml"), err());
        assertTrue(out().contains("valid: 2 subjects, 5 websites, 6 domains"), out());
    }

    @Test
    void validatePrintsEveryErrorAsFileLineColumn(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "subjects:\n  - number: 京ICP备123号\n    name: x\n    stauts: active\n");
        assertEquals(1, run("validate", bad.toString()));
        assertEquals(bad + ":2:13: invalid filing number '京ICP备123号': serial must have 6 to 10 digits, found 3\n"
                + bad + ":4:5: unknown key 'stauts' in a subject (allowed: name, number, status, websites)\n", err());
    }

    @Test
    void validateReadsANewVersionAgainstTheServedRegistrysCompiledFormAndSaysTheSame(@TempDir Path dir)
            throws Exception {
        String tmp = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", dir.resolve("tmp").toString());
        try {
            Files.createDirectories(dir.resolve("tmp"));
            Path served = dir.resolve("registry.yaml");
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(config, "registry:\n  path: registry.yaml\nupstreams:\n  default: [127.0.0.1:1]\n");
            String before = subjects(300);
            Files.writeString(served, before);
            dev.beian.registry.RegistryLoader loader = new dev.beian.registry.RegistryLoader(java.util.Set.of("default"),
                    java.time.Clock.systemUTC());
            // what a gateway serving registry.yaml keeps
            dev.beian.registry.CompiledRegistry.write(loader.load(served),
                    dev.beian.registry.CompiledRegistry.defaultLocation(served));

            Path changed = dir.resolve("new.yaml");
            Files.writeString(changed, before.replace("[s7.cn]", "[s7.cn, s7-new.cn]"));
            assertEquals(0, run("validate", "--config", config.toString(), changed.toString()), err());
            assertEquals(changed + ": valid: 300 subjects, 300 websites, 301 domains\n", out());

            Path broken = dir.resolve("broken.yaml");
            Files.writeString(broken, before.replace("[s9.cn]", "[s8.cn]").replace("access: here", "access: nowhere"));
            out.reset();
            assertEquals(1, run("validate", "--config", config.toString(), broken.toString()));
            String withCompiled = err();
            err.reset();
            System.setProperty("beian.compiled-registry", "off");
            try {
                assertEquals(1, run("validate", "--config", config.toString(), broken.toString()));
            } finally {
                System.clearProperty("beian.compiled-registry");
            }
            assertEquals(err(), withCompiled, "the same errors, whether or not a compiled form was there");
            assertTrue(withCompiled.contains("domain s8.cn is listed twice"), withCompiled);
        } finally {
            System.setProperty("java.io.tmpdir", tmp);
        }
    }

    @Test
    void validateChecksUpstreamNamesWithAConfig(@TempDir Path dir) throws Exception {
        Path reg = dir.resolve("r.yaml");
        Files.writeString(reg, "subjects:\n  - number: 京ICP备11018762号\n    name: x\n    websites:\n"
                + "      - number: 京ICP备11018762号-1\n        name: y\n        domains: [a.cn]\n        access: here\n"
                + "        upstream: nowhere\n");
        assertEquals(0, run("validate", reg.toString()), "without a config the name cannot be checked");
        assertEquals(1, run("validate", "--config", "../config/gateway.yaml", reg.toString()));
        assertTrue(err().contains(":9:19: upstream 'nowhere' is not defined"), err());
    }

    @Test
    void lookupPrintsTheDecisionLikeTheAdminEndpoint() {
        // SPEC §3 (changed): exit 1 when any host is invalid; every host is still printed
        assertEquals(1, run("lookup", "--config", "../config/gateway.yaml", "WWW.Example.CN:443", "old.example.cn", "bad host"));
        String[] lines = out().split("\n");
        assertEquals(3, lines.length, out());
        assertEquals("{\"host\":\"WWW.Example.CN:443\",\"normalized\":\"www.example.cn\",\"decision\":\"forward\","
                + "\"reason\":null,\"matchedDomain\":\"example.cn\",\"websiteNumber\":\"京ICP备11018762号-1\","
                + "\"subjectNumber\":\"京ICP备11018762号\",\"access\":\"here\",\"accessUntil\":null,\"upstream\":\"default\"}",
                lines[0]);
        assertTrue(lines[1].contains("\"decision\":\"block\",\"reason\":\"not_accessed\""), lines[1]);
        assertTrue(lines[2].contains("\"decision\":\"invalid\""), lines[2]);
    }

    @Test
    void lookupOfValidHostsIsExitCode0AndTheConfigMayFollowTheCommandInEitherForm() {
        assertEquals(0, run("lookup", "example.cn", "--config=../config/gateway.yaml"));
        assertTrue(out().contains("\"decision\":\"forward\""), out());
        assertEquals(0, run("--config=../config/gateway.yaml", "validate", "../config/registry.yaml"), err());
    }

    @Test
    void versionAndHelpSayWhatTheySay() {
        assertEquals(0, run("--version"));
        assertTrue(out().startsWith("beian-gateway "), out());
        assertEquals(0, run("--help"));
        for (String words : new String[] {"validate", "lookup", "--demo", "--config=FILE", "exit:", "SIGTERM", "SIGHUP",
            "BEIAN_LOG_FORMAT"}) {
            assertTrue(out().contains(words), words + " in " + out());
        }
    }

    @Test
    void wrongUsageIsExitCode2() {
        assertEquals(2, run("--nope"));
        assertEquals(2, run("validate"));
        assertEquals(2, run("lookup", "--config", "../config/gateway.yaml"));
        assertEquals(2, run("validate", "a.yaml", "b.yaml"));
        assertEquals(2, run("--config"));
        assertTrue(err().contains("usage:"));
    }

    @Test
    void anInvalidConfigDoesNotServe(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "upstreams:\n  default: [127.0.0.1:3000]\nlisten:\n  htp: 127.0.0.1:0\n");
        assertEquals(1, run("--config", config.toString()));
        assertTrue(err().contains(config + ":4:3: unknown key 'htp' in listen"), err());
    }

    @Test
    void anInvalidRegistryDoesNotServe(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "upstreams:\n  default: [127.0.0.1:3000]\nlisten:\n  http: 127.0.0.1:0\n");
        Files.writeString(dir.resolve("registry.yaml"), "subjects:\n  - number: x\n");
        assertEquals(1, run("--config", config.toString()));
        assertTrue(err().contains("registry.yaml:2:13: invalid filing number"), err());
    }

    @Test
    void aListenerThatCannotBindIsNamedWithItsAddress(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(config, "upstreams:\n  default: [127.0.0.1:3000]\nlisten:\n  http: 127.0.0.1:"
                    + taken.getLocalPort() + "\nadmin:\n  listen: 127.0.0.1:0\nregistry:\n  watch: false\n");
            Files.writeString(dir.resolve("registry.yaml"), "subjects: []\n");
            assertEquals(1, run("--config", config.toString()));
            assertTrue(err().contains("listen.http 127.0.0.1:" + taken.getLocalPort() + ": cannot bind"), err());
        }
    }
}
