package dev.backbone.server.http.edge;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of the idle-connections test, run in a child JVM so that its sockets count against its own
 * file-descriptor limit: opens {@code count} connections with one selector thread and sends nothing on them,
 * prints {@code OPEN <n>} once all are connected, then holds them until its standard input closes or
 * {@code deadlineSeconds} pass, closes them all and prints {@code CLOSED}.
 *
 * <p>Arguments: host port count deadlineSeconds.
 */
public final class IdleSwarm {

    private static final int MAX_PENDING_CONNECTS = 200;

    private IdleSwarm() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        InetSocketAddress broker = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        long deadline = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
        List<SocketChannel> open = new ArrayList<>(count);
        try (Selector selector = Selector.open()) {
            int started = 0;
            int pending = 0;
            int failed = 0;
            while (open.size() + failed < count && System.nanoTime() < deadline) {
                while (started < count && pending < MAX_PENDING_CONNECTS) {
                    SocketChannel channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    channel.connect(broker);
                    channel.register(selector, SelectionKey.OP_CONNECT);
                    started++;
                    pending++;
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    pending--;
                    key.cancel();
                    try {
                        channel.finishConnect();
                        open.add(channel);
                    } catch (IOException e) {
                        failed++;
                        channel.close();
                    }
                }
                selector.selectedKeys().clear();
            }
            System.out.println("OPEN " + open.size() + " failed=" + failed);
            System.out.flush();
            while (System.nanoTime() < deadline && System.in.available() >= 0 && System.in.read() >= 0) {
                Thread.sleep(10);
            }
        } finally {
            for (SocketChannel channel : open) {
                channel.close();
            }
            System.out.println("CLOSED");
            System.out.flush();
        }
    }
}
