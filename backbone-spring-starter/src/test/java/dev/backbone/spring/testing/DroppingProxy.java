package dev.backbone.spring.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of the broker that can lose one answer: once {@link #dropNextResponse()} is
 * called, the next bytes the broker sends on any connection are thrown away and that connection is cut, after the
 * broker has received and acted on the request. This is the failure an idempotent producer exists for. It also
 * counts the connections clients opened through it.
 *
 * <p>Thread-safe; one thread per direction per connection; {@link #close()} ends them all.
 */
public final class DroppingProxy implements AutoCloseable {

    private final ServerSocket server;

    private final int upstreamPort;

    private final AtomicBoolean dropNext = new AtomicBoolean();

    private final AtomicInteger dropped = new AtomicInteger();

    private final AtomicInteger accepted = new AtomicInteger();

    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public DroppingProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Arms the proxy: the next answer from the broker is lost and its connection cut. */
    public void dropNextResponse() {
        dropNext.set(true);
    }

    /** How many answers were lost so far. */
    public int dropped() {
        return dropped.get();
    }

    /** How many connections clients opened through the proxy so far. */
    public int connections() {
        return accepted.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5_000);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromBroker) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (fromBroker && dropNext.compareAndSet(true, false)) {
                        dropped.incrementAndGet();
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // One side closed: the other is closed below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(DroppingProxy::closeQuietly);
    }
}
