package dev.beian.gateway.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made at test time (Bouncy Castle), written as the PEM pairs of a tls.certificates folder. */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** Writes {@code NAME.crt} and {@code NAME.key} (PKCS#8) for a self-signed certificate of {@code dnsNames}. */
    public static X509Certificate write(Path folder, String name, String... dnsNames) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + dnsNames[0]);
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), new Date(now - 86_400_000L), new Date(now + 30 * 86_400_000L),
                subject, keys.getPublic());
        GeneralName[] names = new GeneralName[dnsNames.length];
        for (int i = 0; i < dnsNames.length; i++) {
            names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        writeAtomically(folder.resolve(name + ".key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        writeAtomically(folder.resolve(name + ".crt"), pem("CERTIFICATE", cert.getEncoded()));
        return cert;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void writeAtomically(Path file, String text) throws Exception {
        Path tmp = Files.createTempFile(file.getParent(), ".tmp", null);
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A TLS socket to the loopback port, with {@code sni} (none when null), handshake done; trusts any certificate. */
    public static SSLSocket connect(int port, String sni, String... protocols) throws Exception {
        return connectAlpn(port, sni, null, protocols);
    }

    /** TLS over an already connected socket (after a PROXY header, say), with {@code sni}; handshake done. */
    public static SSLSocket over(java.net.Socket plain, String sni) throws Exception {
        return over(plain, sni, null);
    }

    /** As {@link #over(java.net.Socket, String)}, offering {@code alpn} (null: none). */
    public static SSLSocket over(java.net.Socket plain, String sni, String alpn) throws Exception {
        SSLContext context = trustingContext();
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(java.util.List.of(new SNIHostName(sni)));
        if (alpn != null) {
            parameters.setApplicationProtocols(new String[] {alpn});
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static SSLContext trustingContext() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    /** As {@link #connect(int, String, String...)}, offering {@code alpn} (null: none). */
    public static SSLSocket connectAlpn(int port, String sni, String alpn, String... protocols) throws Exception {
        SSLContext context = trustingContext();
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(sni == null ? java.util.List.of() : java.util.List.of(new SNIHostName(sni)));
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        if (alpn != null) {
            parameters.setApplicationProtocols(new String[] {alpn});
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }
}
