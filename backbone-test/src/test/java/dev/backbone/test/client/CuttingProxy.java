package dev.backbone.test.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of the broker (which it follows to a new port after a restart) that can
 * misbehave on purpose:
 *
 * <ul>
 *   <li>{@link #cutNextAnswers(int)}: forwards the request to the broker, waits until the broker starts to answer
 *       (so the broker has done the work), then closes the client's connection without passing the answer on: the
 *       client sees a dropped connection after a successful request;</li>
 *   <li>{@link #swallowNextRequests(int)}: reads the request and never answers: the client sees a timeout;</li>
 * </ul>
 *
 * and records every byte the clients sent, to check headers. Two threads per connection; tests open few.
 * Thread-safe.
 */
final class CuttingProxy implements AutoCloseable {

    private final ServerSocket server;
    private volatile int upstreamPort;
    private final AtomicInteger answersToCut = new AtomicInteger();
    private final AtomicInteger requestsToSwallow = new AtomicInteger();
    private final AtomicInteger cut = new AtomicInteger();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final List<Socket> sockets = new ArrayList<>();
    private final Thread acceptor;

    CuttingProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "cutting-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Sends new connections to another port (a restarted broker); open connections stay where they are. */
    void upstreamPort(int port) {
        upstreamPort = port;
    }

    void cutNextAnswers(int count) {
        answersToCut.set(count);
    }

    void swallowNextRequests(int count) {
        requestsToSwallow.set(count);
    }

    /** How many answers were cut so far. */
    int answersCut() {
        return cut.get();
    }

    /** Everything clients sent so far, as ISO-8859-1 text (header lines are ASCII). */
    String sentText() {
        synchronized (sent) {
            return sent.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                boolean swallow = requestsToSwallow.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                Socket upstream = swallow ? null : connectUpstream(client);
                if (!swallow && upstream == null) {
                    continue;
                }
                synchronized (sockets) {
                    sockets.add(client);
                    if (upstream != null) {
                        sockets.add(upstream);
                    }
                }
                pump("cutting-proxy-up", client.getInputStream(), upstream == null ? null
                        : upstream.getOutputStream(), true, client, upstream);
                if (upstream != null) {
                    pump("cutting-proxy-down", upstream.getInputStream(), client.getOutputStream(), false, client,
                            upstream);
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The broker's socket, or null (the client's connection closed) when the broker is not there. */
    private Socket connectUpstream(Socket client) {
        try {
            return new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        } catch (IOException e) {
            closeQuietly(client);
            return null;
        }
    }

    private void pump(String name, InputStream in, OutputStream out, boolean fromClient, Socket client,
                      Socket upstream) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (fromClient) {
                        synchronized (sent) {
                            sent.write(buffer, 0, n);
                        }
                    } else if (answersToCut.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
                        cut.incrementAndGet();
                        closeQuietly(client);
                        closeQuietly(upstream);
                        return;
                    }
                    if (out != null) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // One side went away: the other is closed below.
            }
            closeQuietly(client);
            closeQuietly(upstream);
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing is all that is wanted.
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            sockets.forEach(CuttingProxy::closeQuietly);
        }
    }
}
