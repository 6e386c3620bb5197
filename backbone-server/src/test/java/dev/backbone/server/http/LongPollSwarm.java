package dev.backbone.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;

/**
 * The client side of the 10,000-waiter test, run in a child JVM so that its sockets count against its own
 * file-descriptor limit: opens {@code count} connections with one selector thread, sends one long-poll consume on
 * each, prints {@code SENT <n>} once every request is out, then reads every answer and prints
 * {@code DONE ok=<n> failed=<m>}, where ok counts 200 answers whose body contains {@code expect}. Exits by itself
 * after {@code deadlineSeconds}.
 *
 * <p>Arguments: host port path count expect deadlineSeconds.
 */
public final class LongPollSwarm {

    private static final int MAX_PENDING_CONNECTS = 200;

    private LongPollSwarm() {
    }

    public static void main(String[] args) throws IOException {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        int count = Integer.parseInt(args[3]);
        String expect = args[4];
        long deadline = System.nanoTime() + Long.parseLong(args[5]) * 1_000_000_000L;
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: application/json\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        Selector selector = Selector.open();
        int started = 0;
        int pending = 0;
        int sent = 0;
        int ok = 0;
        int failed = 0;
        boolean announced = false;
        ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
        while (ok + failed < count && System.nanoTime() < deadline) {
            while (started < count && pending < MAX_PENDING_CONNECTS) {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
                channel.connect(new InetSocketAddress(host, port));
                channel.register(selector, SelectionKey.OP_CONNECT, new Connection());
                started++;
                pending++;
            }
            selector.select(100);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                SocketChannel channel = (SocketChannel) key.channel();
                Connection connection = (Connection) key.attachment();
                try {
                    if (key.isConnectable()) {
                        channel.finishConnect();
                        pending--;
                        ByteBuffer out = ByteBuffer.wrap(request);
                        while (out.hasRemaining()) {
                            channel.write(out);
                        }
                        sent++;
                        key.interestOps(SelectionKey.OP_READ);
                    } else if (key.isReadable()) {
                        readBuffer.clear();
                        int n = channel.read(readBuffer);
                        if (n > 0) {
                            connection.received.write(readBuffer.array(), 0, n);
                        }
                        Boolean complete = connection.complete(expect);
                        if (complete != null || n < 0) {
                            if (Boolean.TRUE.equals(complete)) {
                                ok++;
                            } else {
                                failed++;
                            }
                            key.cancel();
                            channel.close();
                        }
                    }
                } catch (IOException e) {
                    failed++;
                    if (key.isValid() && (key.interestOps() & SelectionKey.OP_CONNECT) != 0) {
                        pending--;
                    }
                    key.cancel();
                    channel.close();
                }
            }
            if (!announced && sent == count) {
                System.out.println("SENT " + sent);
                System.out.flush();
                announced = true;
            }
        }
        System.out.println(String.format(Locale.ROOT, "DONE ok=%d failed=%d", ok, failed + (count - ok - failed)));
        System.out.flush();
        selector.close();
        System.exit(0);
    }

    /** What one connection received; not thread-safe, used by the selector thread only. */
    private static final class Connection {
        final ByteArrayOutputStream received = new ByteArrayOutputStream(512);

        /** True when a whole 200 answer containing {@code expect} arrived, false for another whole answer. */
        Boolean complete(String expect) {
            String text = received.toString(StandardCharsets.UTF_8);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return null;
            }
            int lengthAt = text.toLowerCase(Locale.ROOT).indexOf("content-length:");
            if (lengthAt < 0 || lengthAt > headEnd) {
                return Boolean.FALSE;
            }
            int lineEnd = text.indexOf("\r\n", lengthAt);
            int length = Integer.parseInt(text.substring(lengthAt + "content-length:".length(), lineEnd).trim());
            byte[] bytes = received.toByteArray();
            if (bytes.length < headEnd + 4 + length) {
                return null;
            }
            return text.startsWith("HTTP/1.1 200") && text.substring(headEnd).contains(expect);
        }
    }
}
