package dev.beian.gateway.proxy;

import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The rest of a request body nobody will read (a blocked request's, or one whose upstream answered before
 * it ended): read and dropped up to {@link #BUDGET}, so the connection can serve its next request. Past
 * the budget the connection is closed: reading megabytes only to drop them helps nobody.
 */
final class DiscardBody implements Cycle {
    /** Body bytes read and dropped to keep a connection. */
    static final long BUDGET = 1 << 20;

    private final RequestReceiver receiver;
    private final ChannelFuture answer;
    private final boolean keepAlive;
    private long budget = BUDGET;

    /** {@code answer}: the write of the answer already given; {@code keepAlive}: whether the connection stays. */
    DiscardBody(RequestReceiver receiver, ChannelFuture answer, boolean keepAlive) {
        this.receiver = receiver;
        this.answer = answer;
        this.keepAlive = keepAlive;
    }

    @Override
    public void content(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        budget -= content.content().readableBytes();
        content.release();
        if (last) {
            receiver.cycleDone(this, answer, keepAlive, false);
        } else if (budget < 0) {
            receiver.closeNow(); // the answer is out: flushed before the close
        }
    }

    @Override
    public boolean wantsContent() {
        return true;
    }

    @Override
    public void violation(FramingViolation violation) {
        receiver.closeNow(); // the answer was given already
    }

    @Override
    public void clientIdle() {
        receiver.closeNow();
    }

    @Override
    public void clientGone() {
    }
}
