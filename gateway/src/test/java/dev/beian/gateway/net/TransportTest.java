package dev.beian.gateway.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransportTest {
    /** What each choice gives on this machine: the one asked for where it loads, else the next down the line. */
    @ParameterizedTest
    @ValueSource(strings = {"auto", "io_uring", "epoll", "nio"})
    void theChoiceFallsBackDownTheLine(String wanted) {
        String native2 = Epoll.isAvailable() ? "epoll" : "nio";
        String expected = switch (wanted) {
            case "auto", "io_uring" -> IoUring.isAvailable() ? "io_uring" : native2;
            case "epoll" -> native2;
            default -> "nio";
        };
        String before = System.getProperty("beian.transport");
        System.setProperty("beian.transport", wanted);
        try {
            assertEquals(expected, Transport.select().name());
        } finally {
            if (before == null) {
                System.clearProperty("beian.transport");
            } else {
                System.setProperty("beian.transport", before);
            }
        }
    }
}
