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
 * A minimal HTTP/1.1 client for the load generator's produce and fetch calls (binary and JSON) on one keep-alive
 * connection: answers are read into one reused direct buffer and request bodies written from the caller's
 * buffer, with no per-chunk heap copies, so a benchmark measures the broker and the loopback rather than the
 * client (the JDK's {@code HttpClient} tops out near 1,000 requests/s on a small machine). It understands
 * exactly what the broker sends on these paths (a status line, headers with {@code Content-Length}, a body) and
 * fails clearly on anything else.
 *
 * <p>Thread safety: not thread-safe; one per thread.
 */
public final class RawHttpConnection implements Closeable {

    private static final int BUFFER_BYTES = 1 << 20;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final URI broker;
    private final SocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final byte[] headerBytes = new byte[MAX_HEADER_BYTES];

    public RawHttpConnection(URI broker) throws IOException {
        this.broker = broker;
        int port = broker.getPort() < 0 ? 80 : broker.getPort();
        this.channel = SocketChannel.open(new InetSocketAddress(broker.getHost(), port));
        buffer.flip();
    }

    /** Fetches {@code offset} ({@code earliest}, {@code latest} or a number) and streams the body into a tracker. */
    public BrokerClient.BinaryFetch fetch(String topic, int partition, String offset, int maxBytes, long maxWaitMs)
            throws IOException {
        String target = fetchTarget(topic, partition, offset, maxBytes, maxWaitMs);
        Head head = fetchHead(target, BrokerClient.BATCH_MEDIA_TYPE, topic, partition, offset);
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
        return new BrokerClient.BinaryFetch(tracker, head.offsets());
    }

    /** Fetches batches into a heap buffer (position 0, limit the body size), for callers that decode them. */
    public ByteBuffer fetchBytes(String topic, int partition, String offset, int maxBytes, long maxWaitMs)
            throws IOException {
        String target = fetchTarget(topic, partition, offset, maxBytes, maxWaitMs);
        Head head = fetchHead(target, BrokerClient.BATCH_MEDIA_TYPE, topic, partition, offset);
        if (head.contentLength > Integer.MAX_VALUE) {
            throw new IOException("an answer of " + head.contentLength + " bytes does not fit one buffer");
        }
        ByteBuffer body = ByteBuffer.allocate((int) head.contentLength);
        while (body.hasRemaining()) {
            fill();
            int n = Math.min(body.remaining(), buffer.remaining());
            body.put(buffer.duplicate().limit(buffer.position() + n));
            buffer.position(buffer.position() + n);
        }
        return body.flip();
    }

    /** Fetches decoded JSON records, counting the body's bytes without keeping them. */
    public BrokerClient.JsonFetch fetchJson(String topic, int partition, String offset, int maxBytes,
                                            long maxWaitMs) throws IOException {
        String target = fetchTarget(topic, partition, offset, maxBytes, maxWaitMs);
        Head head = fetchHead(target, "application/json", topic, partition, offset);
        if (head.nextOffset < 0) {
            throw new IOException("the answer to " + target + " has no " + BrokerClient.NEXT_OFFSET_HEADER);
        }
        skip(head.contentLength);
        return new BrokerClient.JsonFetch(head.contentLength, head.nextOffset, head.offsets());
    }

    /**
     * Posts one or more encoded batches to a partition and returns the answer's body.
     *
     * @param batches the request body from position to limit; left unchanged
     * @param flush   {@code none}, {@code sync} or null for the topic's default
     */
    public String produce(String topic, int partition, ByteBuffer batches, String flush) throws IOException {
        String target = "/v1/topics/" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "/partitions/" + partition
                + "/records" + flushQuery(flush);
        return post(target, BrokerClient.BATCH_MEDIA_TYPE, batches, "produce to " + topic + "-" + partition);
    }

    /**
     * Posts a JSON produce body ({@code {"records": [...]}}) to a topic; the broker picks partitions.
     *
     * @param body the request body from position to limit; left unchanged
     */
    public String produceJson(String topic, ByteBuffer body, String flush) throws IOException {
        String target = "/v1/topics/" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "/records"
                + flushQuery(flush);
        return post(target, "application/json", body, "produce to " + topic);
    }

    private String post(String target, String contentType, ByteBuffer body, String what) throws IOException {
        String head = "POST " + target + " HTTP/1.1\r\nHost: " + broker.getHost() + "\r\n" + BrokerToken.headerLine()
                + "Content-Type: "
                + contentType + "\r\nContent-Length: " + body.remaining() + "\r\n\r\n";
        ByteBuffer[] out = {ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)), body.duplicate()};
        while (out[1].hasRemaining()) {
            channel.write(out);
        }
        Head answer = readHead(target);
        String answerBody = readSmallBody(answer.contentLength);
        if (answer.status / 100 != 2) {
            throw new BrokerException(what, answer.status, answerBody);
        }
        return answerBody;
    }

    private static String fetchTarget(String topic, int partition, String offset, int maxBytes, long maxWaitMs) {
        return "/v1/topics/" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "/partitions/" + partition
                + "/records?offset=" + URLEncoder.encode(offset, StandardCharsets.UTF_8) + "&maxBytes=" + maxBytes
                + "&maxWaitMs=" + maxWaitMs;
    }

    /** Sends a GET and reads the answer's head; a status other than 200 fails with the problem body. */
    private Head fetchHead(String target, String accept, String topic, int partition, String offset)
            throws IOException {
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + broker.getHost() + "\r\n" + BrokerToken.headerLine()
                + "Accept: " + accept
                + "\r\n\r\n";
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        Head head = readHead(target);
        if (head.status != 200) {
            throw new BrokerException("fetch " + topic + "-" + partition + " at " + offset, head.status,
                    readSmallBody(head.contentLength));
        }
        return head;
    }

    private static String flushQuery(String flush) {
        return flush == null ? "" : "?flush=" + URLEncoder.encode(flush, StandardCharsets.UTF_8);
    }

    private void skip(long length) throws IOException {
        long left = length;
        while (left > 0) {
            fill();
            int n = (int) Math.min(left, buffer.remaining());
            buffer.position(buffer.position() + n);
            left -= n;
        }
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
                case "backbone-next-offset" -> head.nextOffset = Long.parseLong(value);
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
        long nextOffset = -1;

        Head(int status) {
            this.status = status;
        }

        BrokerClient.LogOffsets offsets() {
            return new BrokerClient.LogOffsets(logStartOffset, endOffset);
        }
    }
}
