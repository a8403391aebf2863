package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lazy header timer: one task per connection, re-armed when it fires for a head long done, must still
 * give each head exactly {@code timeouts.header} from its own first byte.
 */
class HeaderReadTimeoutTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final List<Object> events = new ArrayList<>();
    private final HeaderReadTimeout timeout = new HeaderReadTimeout(SECOND);
    // a mock ticker: time moves only when the test moves it, so the deadlines can be checked to the millisecond
    private final MockTicker ticker = Ticker.newMockTicker();
    private final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).handlers(timeout,
            new ChannelInboundHandlerAdapter() {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }).build();

    private void advance(long millis) {
        ticker.advance(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private void bytes() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'G'}));
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheDeadline() {
        advance(999);
        assertTrue(channel.isActive());
        advance(1);
        assertFalse(channel.isActive());
        assertEquals(List.of(), events, "nothing to answer");
    }

    /** A request's duration (its record) starts where the head's first byte came, read once for both. */
    @Test
    void aHeadBeginsAtItsFirstByteAndAPipelinedOneWhenItsTurnComes() {
        long opened = System.nanoTime(); // after the connection opened: the first head begins later, at its byte
        long before = System.nanoTime();
        bytes();
        long after = System.nanoTime();
        long first = timeout.headStartedAt();
        assertTrue(first >= before && first <= after, "the first byte, not the connection's opening");
        assertTrue(first >= opened);
        bytes(); // more of the same head
        assertEquals(first, timeout.headStartedAt(), "a head begins once");
        timeout.headReceived();
        bytes(); // the next head's bytes, while this exchange runs (pipelined)
        timeout.awaitNextHead();
        long turn = System.nanoTime();
        long pipelined = timeout.headStartedAt();
        assertTrue(pipelined >= turn, "read with the one before: it begins when its turn comes, not at "
                + "the earlier head's first byte");
        before = System.nanoTime();
        bytes();
        after = System.nanoTime();
        long next = timeout.headStartedAt();
        assertTrue(next >= before && next <= after, "a head that waits for its bytes begins at the first");
    }

    @Test
    void eachHeadOfAKeepAliveConnectionGetsItsOwnFullTime() {
        bytes();
        timeout.headReceived(); // first head complete at 0 ms
        advance(500);
        timeout.awaitNextHead(); // the exchange ended at 500 ms; the timer set for 1000 ms is still pending
        advance(800); // 1300 ms: it fired early and found no head on the clock
        bytes(); // the next head starts at 1300 ms
        advance(999); // 2299 ms
        assertEquals(List.of(), events);
        assertTrue(channel.isActive());
        advance(1); // 2300 ms
        assertEquals(List.of(HeaderReadTimeout.EXPIRED), events);
    }

    @Test
    void aTimerSetForAnEarlierHeadReArmsForTheRemainingTime() {
        bytes();
        timeout.headReceived();
        advance(300);
        timeout.awaitNextHead();
        bytes(); // the next head starts at 300 ms, while the first timer (1000 ms) is pending
        advance(700); // 1000 ms: fired early, re-armed for 1300 ms
        assertEquals(List.of(), events);
        advance(299);
        assertEquals(List.of(), events);
        advance(1);
        assertEquals(List.of(HeaderReadTimeout.EXPIRED), events);
    }

    @Test
    void aHeadThatCompletesInTimeIsNeverCutOff() {
        for (int i = 0; i < 20; i++) { // many requests on one connection, each in 400 ms
            bytes();
            advance(400);
            timeout.headReceived();
            timeout.awaitNextHead();
        }
        assertEquals(List.of(), events);
        assertTrue(channel.isActive());
    }
}
