package dev.beian.gateway.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.beian.gateway.tls.Certificates;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoCertificateTest {
    @Test
    void theDemoPairCoversTheFiledDomainsAndTheirSubdomains() throws Exception {
        Path folder = DemoCertificate.make(List.of("example.cn", "xn--fsq092h.xn--fiqs8s"));
        Certificates certificates = Certificates.load(folder, List.of("TLSv1.3", "TLSv1.2"));
        assertEquals(1, certificates.pairs().size());
        assertNotNull(certificates.forHost("example.cn"));
        assertNotNull(certificates.forHost("www.example.cn"));
        assertNotNull(certificates.forHost("xn--fsq092h.xn--fiqs8s"));
        assertNull(certificates.forHost("a.b.example.cn"), "a wildcard stands for one label");
        assertNull(certificates.forHost("unfiled.example.org"));
    }
}
