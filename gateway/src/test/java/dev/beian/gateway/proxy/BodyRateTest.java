package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BodyRateTest {
    static final long S = 1_000_000_000L;

    @Test
    void nothingIsAskedDuringTheGrace() {
        BodyRate rate = new BodyRate(1024, 10 * S, 0, 0);
        assertFalse(rate.tooSlow(10 * S, 0, 0), "10 s of grace: no byte needed yet");
        assertTrue(rate.tooSlow(11 * S, 0, 0), "one second after the grace: 1 KiB needed");
    }

    @Test
    void theAverageCountsNotTheLastSecond() {
        BodyRate rate = new BodyRate(1000, S, 0, 0);
        assertFalse(rate.tooSlow(5 * S, 0, 4000), "4000 bytes in the 4 s after the grace");
        assertTrue(rate.tooSlow(5 * S, 0, 3999));
        assertFalse(rate.tooSlow(9 * S, 0, 8000), "a burst early on covers a quiet second later");
    }

    @Test
    void timeTheGatewayPausedTheClientIsNotHeldAgainstIt() {
        BodyRate rate = new BodyRate(1000, S, 0, 7 * S); // the connection had been paused 7 s before this body
        assertFalse(rate.tooSlow(5 * S, 7 * S + 4 * S, 0), "paused 4 of the 5 s: still in the grace");
        assertTrue(rate.tooSlow(5 * S, 7 * S + 2 * S, 1000), "paused 2 of 5 s: 2 s counted, 2000 bytes needed");
        assertFalse(rate.tooSlow(5 * S, 7 * S + 2 * S, 2000));
    }
}
