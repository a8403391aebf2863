package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link IdleWatch} on a frozen clock: when it fires, and what counts as traffic. */
class IdleWatchTest {
    private static final long IDLE_MS = 10_000;

    private final Events events = new Events();
    private EmbeddedChannel channel;

    /** Counts the idle events that reach the handler after the watch. */
    private static final class Events extends ChannelInboundHandlerAdapter {
        int idle;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                idle++;
            }
        }
    }

    private void open() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new IdleWatch(TimeUnit.MILLISECONDS.toNanos(IDLE_MS)), events);
    }

    /** Real time in 50 ms steps: every timer runs when it falls due. */
    private void pass(long millis) {
        for (long left = millis; left > 0; left -= 50) {
            channel.advanceTimeBy(Math.min(50, left), TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aSilentConnectionIsIdleAfterTheTimeoutAndNotBefore() {
        open();
        pass(IDLE_MS - 50);
        assertEquals(0, events.idle, "not before timeouts.idle");
        pass(IDLE_MS / IdleWatch.LOOKS + 100);
        assertEquals(1, events.idle, "within 1.25 timeouts");
    }

    @Test
    void readsKeepItFromBeingIdleAndTheTimeoutCountsFromTheLastOne() {
        open();
        for (int i = 0; i < 30; i++) {
            pass(IDLE_MS / 2);
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        }
        assertEquals(0, events.idle, "a read every half timeout for fifteen timeouts");
        pass(IDLE_MS - 50);
        assertEquals(0, events.idle, "the last read restarted the count");
        pass(IDLE_MS / IdleWatch.LOOKS + 100);
        assertEquals(1, events.idle);
    }

    @Test
    void writesKeepItFromBeingIdle() {
        open();
        for (int i = 0; i < 30; i++) {
            pass(IDLE_MS / 2);
            channel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1}));
        }
        assertEquals(0, events.idle);
        pass(IDLE_MS * 5 / 4 + 100);
        assertEquals(1, events.idle);
    }

    @Test
    void aWriteBufferThatIsStuckIsIdle() {
        open();
        channel.config().setAutoRead(false);
        // written, never flushed: what waits in the write buffer does not move
        channel.write(Unpooled.wrappedBuffer(new byte[1000]));
        pass(IDLE_MS * 5 / 4 + 100);
        assertEquals(1, events.idle, "a write buffer that does not move is idle");
        assertTrue(channel.isOpen(), "the watch tells; the handlers after it decide");
    }

    @Test
    void itKeepsTellingWhileTheConnectionStaysOpenAndSilent() {
        open();
        pass(3 * IDLE_MS * 5 / 4 + 100);
        assertEquals(3, events.idle);
    }

    @Test
    void addedToAnOpenConnectionItWatchesAtOnce() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(events);
        channel.pipeline().addFirst(new IdleWatch(TimeUnit.MILLISECONDS.toNanos(IDLE_MS))); // as after ALPN
        pass(IDLE_MS * 5 / 4 + 100);
        assertEquals(1, events.idle);
    }

    @Test
    void removedItNeverFires() {
        open();
        channel.pipeline().remove(IdleWatch.class);
        pass(3 * IDLE_MS);
        assertEquals(0, events.idle);
    }
}
