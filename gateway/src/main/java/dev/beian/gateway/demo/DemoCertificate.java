package dev.beian.gateway.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code --demo}'s HTTPS certificate: self-signed, made at start with the JDK's {@code keytool} for the
 * registry's filed domains (each with its wildcard), written as the PEM pair a {@code tls.certificates}
 * folder holds. For trying the gateway with {@code curl -k}; never for serving real traffic.
 */
public final class DemoCertificate {
    private static final char[] PASSWORD = "beian-demo".toCharArray();

    private DemoCertificate() {
    }

    /** Writes {@code demo.crt} + {@code demo.key} for {@code domains} into a new folder; returns it. */
    public static Path make(List<String> domains) throws IOException, InterruptedException {
        Path folder = Files.createTempDirectory("beian-demo-tls");
        folder.toFile().deleteOnExit();
        Path store = folder.resolve("demo.p12");
        List<String> san = new ArrayList<>();
        for (String d : domains) {
            san.add("dns:" + d);
            san.add("dns:*." + d);
        }
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "demo", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=" + domains.get(0), "-ext", "SAN=" + String.join(",", san),
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool could not make the demo certificate: " + output.strip());
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                ks.load(in, PASSWORD);
            }
            Key key = ks.getKey("demo", PASSWORD);
            Certificate cert = ks.getCertificate("demo");
            Files.writeString(folder.resolve("demo.key"), pem("PRIVATE KEY", key.getEncoded()));
            Files.writeString(folder.resolve("demo.crt"), pem("CERTIFICATE", cert.getEncoded()));
        } catch (Exception e) {
            throw new IOException("cannot read the demo certificate: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(store);
        }
        for (String name : new String[] {"demo.key", "demo.crt"}) {
            folder.resolve(name).toFile().deleteOnExit();
        }
        return folder;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
