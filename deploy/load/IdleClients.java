import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens N keep-alive connections to host:port, sends one request on each, reads its answer, and then holds
 * them all open and silent until killed: what 10,000 idle browsers look like to a proxy.
 *
 *   java deploy/load/IdleClients.java PORT N HOST-HEADER
 */
public class IdleClients {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        byte[] request = ("GET / HTTP/1.1\r\nHost: " + args[2] + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        Selector selector = Selector.open();
        List<SocketChannel> open = new ArrayList<>();
        int answered = 0;
        int opened = 0;
        ByteBuffer read = ByteBuffer.allocate(64 << 10);
        while (answered < n) {
            while (opened < n && opened - answered < 500) { // at most 500 connecting at once
                SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                c.connect(new InetSocketAddress("127.0.0.1", port));
                c.register(selector, SelectionKey.OP_CONNECT);
                open.add(c);
                opened++;
            }
            selector.select(1000);
            for (SelectionKey key : selector.selectedKeys()) {
                SocketChannel c = (SocketChannel) key.channel();
                if (key.isConnectable() && c.finishConnect()) {
                    c.write(ByteBuffer.wrap(request));
                    key.interestOps(SelectionKey.OP_READ);
                } else if (key.isReadable()) {
                    read.clear();
                    int got = c.read(read);
                    if (got < 0) {
                        throw new IllegalStateException("closed by the server after " + answered + " answers");
                    }
                    if (got > 0 && new String(read.array(), 0, 12, StandardCharsets.US_ASCII).startsWith("HTTP/1.1")) {
                        key.interestOps(0); // answered: from now on idle
                        answered++;
                    }
                }
            }
            selector.selectedKeys().clear();
        }
        System.out.println("idle " + open.size());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
