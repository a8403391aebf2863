package dev.beian.gateway.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The certificates of {@code tls.certificates} (SPEC §4, §7): a folder of PEM pairs {@code NAME.crt} (the
 * chain, leaf first) and {@code NAME.key} (PKCS#8). Each pair becomes one {@link SslContext}: TLS 1.2 and 1.3
 * only, AEAD suites with forward secrecy, session resumption on, ALPN offering {@code h2} then
 * {@code http/1.1}, the OpenSSL engine when it loads and the JDK's otherwise. SNI picks by the leaf's DNS names: the exact name first, then the wildcard of its parent
 * (RFC 6125 §6.4.3: a wildcard stands for one label). Immutable: a reload builds a new set, and a folder with
 * any bad pair is refused whole, the old set serving on.
 */
public final class Certificates {
    /** One pair of the folder. */
    public record Pair(String name, SslContext context, Instant notAfter, List<String> dnsNames) {
    }

    private final List<Pair> pairs;
    private final Map<String, Pair> exact = new HashMap<>();
    private final Map<String, Pair> wildcard = new HashMap<>();
    private final SslContext defaultContext;

    private Certificates(List<Pair> pairs) {
        this.pairs = List.copyOf(pairs);
        for (Pair pair : pairs) {
            for (String name : pair.dnsNames()) {
                if (name.startsWith("*.")) {
                    wildcard.putIfAbsent(name.substring(2), pair);
                } else {
                    exact.putIfAbsent(name, pair);
                }
            }
        }
        this.defaultContext = pairs.stream().filter(p -> p.name().equals("default")).map(Pair::context)
                .findFirst().orElse(null);
    }

    /** The engine in use: OpenSSL (BoringSSL, netty-tcnative) when it loads, else the JDK's. */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** Reads the folder; every problem of every pair, or the set. */
    public static Certificates load(Path folder, List<String> protocols) throws InvalidCertificatesException {
        List<String> errors = new ArrayList<>();
        List<Pair> pairs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.crt")) {
            for (Path crt : files) {
                String name = crt.getFileName().toString();
                name = name.substring(0, name.length() - ".crt".length());
                Path key = crt.resolveSibling(name + ".key");
                try {
                    pairs.add(pair(name, crt, key, protocols));
                } catch (Exception e) {
                    errors.add(crt + ": " + (Files.exists(key) ? e.getMessage() : "no " + key.getFileName() + " beside it"));
                }
            }
        } catch (IOException e) {
            errors.add(folder + ": " + e.getMessage());
        }
        if (errors.isEmpty() && pairs.isEmpty()) {
            errors.add(folder + ": no NAME.crt + NAME.key pair");
        }
        if (!errors.isEmpty()) {
            throw new InvalidCertificatesException(errors);
        }
        pairs.sort((a, b) -> a.name().compareTo(b.name()));
        return new Certificates(pairs);
    }

    private static Pair pair(String name, Path crt, Path key, List<String> protocols) throws Exception {
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(crt)) {
            Collection<? extends java.security.cert.Certificate> chain =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (chain.isEmpty()) {
                throw new CertificateException("no certificate in the file");
            }
            leaf = (X509Certificate) chain.iterator().next();
        }
        SslContext context = SslContextBuilder.forServer(crt.toFile(), key.toFile())
                .sslProvider(provider())
                .protocols(protocols)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
        return new Pair(name, context, leaf.getNotAfter().toInstant(), dnsNames(leaf));
    }

    /** The DNS names of the subject alternative names, else the subject's CN; lower case, no trailing dot. */
    static List<String> dnsNames(X509Certificate cert) throws CertificateParsingException, InvalidNameException {
        List<String> names = new ArrayList<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                if (Integer.valueOf(2).equals(san.get(0))) {
                    names.add(normalize((String) san.get(1)));
                }
            }
        }
        if (names.isEmpty()) {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(normalize(rdn.getValue().toString()));
                }
            }
        }
        return List.copyOf(names);
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** The context whose certificate covers {@code host} (normalised), or null. */
    public SslContext forHost(String host) {
        Pair pair = exact.get(host);
        if (pair == null) {
            int dot = host.indexOf('.');
            pair = dot < 0 ? null : wildcard.get(host.substring(dot + 1));
        }
        return pair == null ? null : pair.context();
    }

    /** The pair named {@code default}, for a ClientHello without SNI under {@code tls.no-sni: default}. */
    public SslContext defaultContext() {
        return defaultContext;
    }

    public List<Pair> pairs() {
        return pairs;
    }
}
