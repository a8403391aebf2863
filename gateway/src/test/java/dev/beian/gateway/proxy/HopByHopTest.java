package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HopByHopTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "Connection, true", "connection, true", "CONNECTION, true", "Keep-Alive, true", "Proxy-Connection, true",
        "TE, true", "te, true", "Trailer, true", "Transfer-Encoding, true", "Upgrade, true",
        "Proxy-Authorization, true", "Proxy-Authenticate, true",
        // near misses: same length, one letter off, one letter more or less
        "Connectiom, false", "Connectio, false", "Connections, false", "X-Connection, false", "TF, false", "T, false",
        "Trailers, false", "Upgrade-, false", "Keep_Alive, false", "Transfer-Encodin, false", "Date, false",
        "Server, false", "Content-Length, false", "Proxy-Authorizatio, false", "'', false"})
    void theFixedFieldsInAnyCaseAndNothingElse(String name, boolean hopByHop) {
        assertEquals(hopByHop, HopByHop.isHopByHop(name));
        assertEquals(hopByHop, HopByHop.isHopByHop(new AsciiString(name.toUpperCase(Locale.ROOT))));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"X-Secret, false", "x-secret, false", "X-Other, true", "Via, false", "Content-Length, false",
        "Keep-Alive, false", "ETag, true"})
    void aFieldCrossesUnlessHopByHopNamedOrTheGatewaysOwn(String name, boolean crosses) {
        AsciiString[] gateways = {HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.VIA};
        assertEquals(crosses, HopByHop.crosses(name, List.of("keep-alive", "X-SECRET"), gateways));
    }
}
