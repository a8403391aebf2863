package dev.beian.gateway.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The socket transport: io_uring where the kernel allows it, epoll where only that loads, NIO everywhere
 * else; {@code -Dbeian.transport=io_uring|epoll|nio} to choose (a choice that does not load falls back the
 * same way; so does one whose event loops will not start, {@link #startLoops}). io_uring is the default
 * because it costs less kernel time per request than epoll on the same machine (README, Performance); where a
 * container's seccomp profile or {@code kernel.io_uring_disabled} refuses it, the gateway runs on epoll as
 * before.
 */
public record Transport(String name, IoHandlerFactory factory, Class<? extends ServerChannel> serverChannel,
                        Class<? extends Channel> channel) {

    public static Transport select() {
        return chain().get(0);
    }

    /**
     * The transports to try, best first: what {@code beian.transport} asks for where it loads, then down the
     * line (io_uring, epoll, NIO); NIO is always last.
     */
    static List<Transport> chain() {
        String wanted = System.getProperty("beian.transport", "auto");
        List<Transport> chain = new ArrayList<>(3);
        if ((wanted.equals("auto") || wanted.equals("io_uring")) && IoUring.isAvailable()) {
            chain.add(new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                    IoUringSocketChannel.class));
        }
        if (!wanted.equals("nio") && Epoll.isAvailable()) {
            chain.add(new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class));
        }
        chain.add(new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class));
        return chain;
    }

    public EventLoopGroup newGroup(int threads, String prefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix, true), factory);
    }

    /** The accept loop and the I/O loops, and the transport they run on. */
    public record Loops(Transport transport, EventLoopGroup accept, EventLoopGroup io) {
    }

    /**
     * Starts the loops on the best transport whose loops start. {@link IoUring#isAvailable()} probes the
     * kernel with one small ring, but each loop makes a ring of its own, and a kernel before 5.12 counts their
     * memory against {@code RLIMIT_MEMLOCK} (64 KiB in many containers): a probe that passes does not promise
     * every loop. A transport whose loops fail is shut down and the next one tried, with a warning, so that a
     * refused ring costs the epoll path, not the start.
     */
    public static Loops startLoops(int ioThreads) {
        return startLoops(chain(), ioThreads);
    }

    static Loops startLoops(List<Transport> chain, int ioThreads) {
        for (int i = 0; ; i++) {
            Transport transport = chain.get(i);
            EventLoopGroup accept = null;
            try {
                accept = transport.newGroup(1, "accept");
                return new Loops(transport, accept, transport.newGroup(ioThreads, "io"));
            } catch (RuntimeException e) {
                if (accept != null) {
                    accept.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                }
                if (i + 1 == chain.size()) {
                    throw e;
                }
                LoggerFactory.getLogger(Transport.class).warn("the {} transport's event loops did not start ({}); "
                        + "trying {}", transport.name(), rootMessage(e), chain.get(i + 1).name());
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root;
    }
}
