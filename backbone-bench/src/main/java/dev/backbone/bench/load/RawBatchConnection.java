package dev.backbone.bench.load;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client for binary fetches and binary produces on one keep-alive connection: answers are
 * read into one reused direct buffer and request bodies written from the caller's direct buffer, with no
 * per-chunk heap copies, so a benchmark measures the broker and the loopback rather than the client's
 * allocation rate. It understands exactly what the broker sends on this
 * path (a status line, headers with {@code Content-Length}, a body) and fails clearly on anything else.
 *
 * <p>Thread safety: not thread-safe; one per consuming thread.
 */
public final class RawBatchConnection implements Closeable {

    private static final int BUFFER_BYTES = 1 << 20;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final URI broker;
    private final SocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final byte[] headerBytes = new byte[MAX_HEADER_BYTES];

    public RawBatchConnection(URI broker) throws IOException {
        this.broker = broker;
        int port = broker.getPort() < 0 ? 80 : broker.getPort();
        this.channel = SocketChannel.open(new InetSocketAddress(broker.getHost(), port));
        buffer.flip();
    }

    /** Fetches {@code offset} ({@code earliest}, {@code latest} or a number) and streams the body into a tracker. */
    public BrokerClient.BinaryFetch fetch(String topic, int partition, String offset, int maxBytes, long maxWaitMs)
            throws IOException {
        String target = "/v1/topics/" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "/partitions/" + partition
                + "/records?offset=" + URLEncoder.encode(offset, StandardCharsets.UTF_8) + "&maxBytes=" + maxBytes
                + "&maxWaitMs=" + maxWaitMs;
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + broker.getHost() + "\r\nAccept: "
                + BrokerClient.BATCH_MEDIA_TYPE + "\r\n\r\n";
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        Head head = readHead(target);
        if (head.status != 200) {
            throw new BrokerException("fetch " + topic + "-" + partition + " at " + offset, head.status,
                    readSmallBody(head.contentLength));
        }
        BatchBoundaryTracker tracker = new BatchBoundaryTracker();
        long left = head.contentLength;
        while (left > 0) {
            fill();
            int n = (int) Math.min(left, buffer.remaining());
            ByteBuffer chunk = buffer.duplicate();
            chunk.limit(chunk.position() + n);
            tracker.accept(chunk);
            buffer.position(buffer.position() + n);
            left -= n;
        }
        if (!tracker.atBoundary()) {
            throw new IllegalStateException("fetch " + target + " ended inside a batch after " + tracker.bytes()
                    + " bytes");
        }
        return new BrokerClient.BinaryFetch(tracker, new BrokerClient.LogOffsets(head.logStartOffset,
                head.endOffset));
    }

    /**
     * Posts one or more encoded batches to a partition and returns the answer's body.
     *
     * @param batches the request body from position to limit; left unchanged
     * @param flush   {@code none}, {@code sync} or null for the topic's default
     */
    public String produce(String topic, int partition, ByteBuffer batches, String flush) throws IOException {
        String target = "/v1/topics/" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "/partitions/" + partition
                + "/records" + (flush == null ? "" : "?flush=" + URLEncoder.encode(flush, StandardCharsets.UTF_8));
        String head = "POST " + target + " HTTP/1.1\r\nHost: " + broker.getHost() + "\r\nContent-Type: "
                + BrokerClient.BATCH_MEDIA_TYPE + "\r\nContent-Length: " + batches.remaining() + "\r\n\r\n";
        ByteBuffer[] out = {ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)), batches.duplicate()};
        while (out[1].hasRemaining()) {
            channel.write(out);
        }
        Head answer = readHead(target);
        String body = readSmallBody(answer.contentLength);
        if (answer.status / 100 != 2) {
            throw new BrokerException("produce to " + topic + "-" + partition, answer.status, body);
        }
        return body;
    }

    private String readSmallBody(long contentLength) throws IOException {
        byte[] body = new byte[(int) Math.min(contentLength, 64 * 1024)];
        long left = contentLength;
        int filled = 0;
        while (left > 0) {
            fill();
            int n = (int) Math.min(left, buffer.remaining());
            int keep = Math.min(n, body.length - filled);
            buffer.get(body, filled, keep);
            buffer.position(buffer.position() + n - keep);
            filled += keep;
            left -= n;
        }
        return new String(body, 0, filled, StandardCharsets.UTF_8);
    }

    /** Ensures at least one unread byte is buffered. */
    private void fill() throws IOException {
        if (buffer.hasRemaining()) {
            return;
        }
        buffer.clear();
        int read = channel.read(buffer);
        buffer.flip();
        if (read < 0) {
            throw new IOException("the broker closed the connection mid-answer");
        }
    }

    private Head readHead(String target) throws IOException {
        int length = 0;
        while (length < 4 || !endsWithBlankLine(length)) {
            if (length == MAX_HEADER_BYTES) {
                throw new IOException("answer headers to " + target + " exceed " + MAX_HEADER_BYTES + " bytes");
            }
            fill();
            headerBytes[length++] = buffer.get();
        }
        String[] lines = new String(headerBytes, 0, length - 4, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x answer to " + target + ": " + lines[0]);
        }
        Head head = new Head(Integer.parseInt(statusLine[1]));
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> head.contentLength = Long.parseLong(value);
                case "transfer-encoding" -> throw new IOException("chunked answers are not supported (" + target + ")");
                case "backbone-log-start-offset" -> head.logStartOffset = Long.parseLong(value);
                case "backbone-end-offset" -> head.endOffset = Long.parseLong(value);
                default -> {
                    // Other headers do not matter to a benchmark.
                }
            }
        }
        if (head.contentLength < 0) {
            throw new IOException("the answer to " + target + " has no Content-Length");
        }
        return head;
    }

    private boolean endsWithBlankLine(int length) {
        return headerBytes[length - 4] == '\r' && headerBytes[length - 3] == '\n'
                && headerBytes[length - 2] == '\r' && headerBytes[length - 1] == '\n';
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static final class Head {
        final int status;
        long contentLength = -1;
        long logStartOffset = -1;
        long endOffset = -1;

        Head(int status) {
            this.status = status;
        }
    }
}
