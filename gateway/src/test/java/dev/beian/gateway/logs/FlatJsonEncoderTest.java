package dev.beian.gateway.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.yaml.snakeyaml.Yaml;

/** The JSON line an operator's log shipper reads: flat, typed, ISO-8601 time, escaped. */
class FlatJsonEncoderTest {
    final LoggerContext context = new LoggerContext();

    String encode(String message, Object... keyValues) {
        LoggingEvent event = new LoggingEvent("x", context.getLogger("beian.access"), Level.INFO, message, null, null);
        event.setTimeStamp(1_795_986_520_548L);
        event.setThreadName("io-1");
        for (int i = 0; i < keyValues.length; i += 2) {
            event.addKeyValuePair(new KeyValuePair((String) keyValues[i], keyValues[i + 1]));
        }
        FlatJsonEncoder encoder = new FlatJsonEncoder();
        encoder.setContext(context);
        encoder.start();
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void oneFlatObjectWithTypedValues() {
        String line = encode("GET / 200", "client", "203.0.113.9", "status", 200, "upstream", null,
                "duration_ms", 1.25, "keep", true);
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        assertEquals("{\"time\":\"2026-11-29T21:08:40.548Z\",\"level\":\"INFO\",\"logger\":\"beian.access\","
                + "\"thread\":\"io-1\",\"message\":\"GET / 200\",\"client\":\"203.0.113.9\",\"status\":200,"
                + "\"upstream\":null,\"duration_ms\":1.25,\"keep\":true}\n", line);
        Map<String, Object> parsed = new Yaml().load(line);
        assertEquals(200, parsed.get("status"));
        assertEquals(1.25, parsed.get("duration_ms"));
    }

    @Test
    void hostileTextStaysInsideItsString() {
        String hostile = "a\"b\\c\nd\re\tf\u0001g\u2028h 示例.中国";
        String line = encode(hostile, "path", hostile, "nan", Double.NaN);
        assertEquals(1, line.split("\n", -1).length - 1, "one line whatever the text: " + line);
        Map<String, Object> parsed = new Yaml().load(line);
        assertEquals(hostile, parsed.get("message"));
        assertEquals(hostile, parsed.get("path"));
        assertEquals("NaN", parsed.get("nan"), "a number JSON cannot hold is written as a string");
    }
}
