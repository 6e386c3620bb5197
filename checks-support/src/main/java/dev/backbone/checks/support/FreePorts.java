package dev.backbone.checks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports on 127.0.0.1 for processes whose ports must be known before they start (every broker of a cluster
 * lists every peer's ports; a port named in a rendered manifest; a Prometheus listen address). A port is never
 * handed out twice by one JVM, so two processes cannot be given the same port even if the first has not bound it
 * yet.
 *
 * <p>Thread safety: thread-safe.
 */
public final class FreePorts {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("No fresh free port in 100 attempts");
    }
}
