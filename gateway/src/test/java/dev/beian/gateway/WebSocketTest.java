package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayExtension;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WebSocket: tunnelled as bytes once the upstream has answered 101. */
class WebSocketTest {
    @RegisterExtension
    static final GatewayExtension<TestUpstream> gateway = GatewayExtension.testUpstream();

    @Test
    void messagesMakeTheRoundTrip() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Host", "www.example.cn")
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.fixture().port() + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return CompletableFuture.completedFuture(null);
                    }
                }).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            ws.sendText("hello " + i, true).get(5, TimeUnit.SECONDS);
            assertEquals("echo: hello " + i, received.poll(5, TimeUnit.SECONDS));
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void anUpgradeToABlockedHostIsBlocked() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET /ws HTTP/1.1\r\nHost: unfiled.example.org\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(451, r.status());
        }
    }

    @Test
    void anUpgradeToAnythingElseIsStrippedAndAnsweredAsPlainHttp() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET /echo HTTP/1.1\r\nHost: example.cn\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(200, r.status());
            assertTrue(!r.text().contains("upgrade") && !r.text().contains("http2-settings"), r.text());
            raw.send("GET /echo HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\n");
            assertEquals(451, raw.read().status(), "later requests on the connection are still decided");
        }
    }
}
