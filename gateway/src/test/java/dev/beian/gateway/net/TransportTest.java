package dev.beian.gateway.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

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

    /** A transport whose rings the kernel refuses: its loops fail as they start, after {@code good} of them did. */
    static Transport refused(String name, int good, AtomicInteger made) {
        IoHandlerFactory nio = NioIoHandler.newFactory();
        IoHandlerFactory factory = executor -> {
            if (made.incrementAndGet() > good) {
                throw new IllegalStateException("io_uring_setup: Cannot allocate memory");
            }
            return nio.newHandler(executor);
        };
        return new Transport(name, factory, NioServerSocketChannel.class, NioSocketChannel.class);
    }

    @Test
    void loopsThatCannotStartFallBackToTheNextTransport() throws Exception {
        AtomicInteger made = new AtomicInteger();
        // the accept loop starts, the second I/O loop is refused: everything of the first transport is let go
        Transport.Loops loops = Transport.startLoops(List.of(refused("io_uring", 2, made), Transport.chain().get(
                Transport.chain().size() - 1)), 2);
        try {
            assertEquals("nio", loops.transport().name());
            assertEquals(3, made.get(), "the accept loop, one I/O loop, then the refused one");
            assertEquals("ran", loops.io().submit(() -> "ran").get(5, TimeUnit.SECONDS));
        } finally {
            loops.accept().shutdownGracefully(0, 0, TimeUnit.SECONDS);
            loops.io().shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLastTransportsFailureIsTheStartsFailure() {
        AtomicInteger made = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Transport.startLoops(List.of(refused("io_uring", 0, made), refused("nio", 0, made)), 1));
        assertEquals(2, made.get());
        assertTrue(String.valueOf(e.getCause()).contains("Cannot allocate memory") || e.getMessage().contains("Cannot"), e.toString());
    }
}
