package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.RecordBatchBuilder;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Binary consume sends the segment file to the socket with sendfile: reading 512 MiB through the broker must not
 * push those bytes through the JVM heap. Measured two ways: the bytes allocated by every broker thread during the
 * reads (the client runs on the test thread with one reused direct buffer and is not counted), and the used heap
 * after a GC before and after.
 */
class ZeroCopyConsumeTest extends BrokerIntegrationTest {

    private static final int BATCH_RECORDS = 1000;
    private static final int RECORD_BYTES = 1024;
    private static final int BATCHES = 32;
    private static final long TOTAL_READ = 512L * 1024 * 1024;
    private static final int MAX_BYTES = 8 * 1024 * 1024;

    @Test
    void readingHundredsOfMegabytesLeavesTheHeapFlat() throws IOException {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"zero-copy\", \"partitions\": 1}").exchange().expectStatus().isCreated();
        byte[] value = new byte[RECORD_BYTES];
        for (int b = 0; b < BATCHES; b++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            for (int r = 0; r < BATCH_RECORDS; r++) {
                value[r % RECORD_BYTES] = (byte) (b + r);
                builder.add(1_700_000_000_000L, null, value, List.of());
            }
            ByteBuffer batch = builder.build();
            byte[] body = new byte[batch.remaining()];
            batch.get(body);
            client().post().uri("/v1/topics/zero-copy/partitions/0/records").contentType(BackboneMediaTypes.BATCH)
                    .bodyValue(body).exchange().expectStatus().isOk();
        }
        long endOffset = (long) BATCHES * BATCH_RECORDS;

        ByteBuffer sink = ByteBuffer.allocateDirect(256 * 1024);
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            // Warm up: the first requests load classes and fill pools, which is not what is measured.
            fetch(channel, 0, sink);
            fetch(channel, 0, sink);
            long heapBefore = usedHeapAfterGc();
            Map<Long, Long> allocatedBefore = allocatedByThread();

            long read = 0;
            long offset = 0;
            int requests = 0;
            while (read < TOTAL_READ && requests < 10_000) {
                Response response = fetch(channel, offset, sink);
                read += response.bodyBytes;
                offset = response.nextOffset >= endOffset ? 0 : response.nextOffset;
                requests++;
            }

            long allocated = allocatedSince(allocatedBefore);
            long heapAfter = usedHeapAfterGc();
            System.out.printf(Locale.ROOT, "zero-copy read: %d MiB in %d requests; broker threads allocated %d KiB;"
                    + " heap after GC %d -> %d KiB%n", read >> 20, requests, allocated >> 10, heapBefore >> 10,
                    heapAfter >> 10);
            assertThat(read).isGreaterThanOrEqualTo(TOTAL_READ);
            assertThat(allocated).as("bytes allocated by broker threads while %d bytes were sent", read)
                    .isLessThan(read / 20);
            assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(32L * 1024 * 1024);
        }
    }

    private record Response(long bodyBytes, long nextOffset) {
    }

    /** One keep-alive request; the body goes through one reused direct buffer, its first base offset checked. */
    private static Response fetch(SocketChannel channel, long offset, ByteBuffer sink) throws IOException {
        String request = "GET /v1/topics/zero-copy/partitions/0/records?offset=" + offset + "&maxBytes=" + MAX_BYTES
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + BackboneMediaTypes.BATCH_VALUE + "\r\n\r\n";
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        Map<String, String> headers = readHeaders(channel);
        long length = Long.parseLong(headers.get("content-length"));
        long next = Long.parseLong(headers.get(BackboneHeaders.NEXT_OFFSET.toLowerCase(Locale.ROOT)));
        long remaining = length;
        boolean first = true;
        while (remaining > 0) {
            sink.clear();
            if (remaining < sink.capacity()) {
                sink.limit((int) remaining);
            }
            if (channel.read(sink) < 0) {
                throw new EOFException("connection closed with " + remaining + " body bytes to come");
            }
            if (first && sink.position() >= 8) {
                assertThat(sink.getLong(0)).as("base offset of the first batch served").isEqualTo(offset);
                first = false;
            }
            remaining -= sink.position();
        }
        return new Response(length, next);
    }

    private static Map<String, String> readHeaders(SocketChannel channel) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        int matched = 0;
        while (matched < 4) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new EOFException("connection closed inside the response headers");
            }
            byte b = one.get(0);
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
        assertThat(lines[0]).startsWith("HTTP/1.1 200");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Bytes allocated so far by every thread but this one (the client). */
    private static Map<Long, Long> allocatedByThread() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new TreeMap<>();
        long self = Thread.currentThread().getId();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != self && bytes[i] >= 0) {
                byThread.put(ids[i], bytes[i]);
            }
        }
        return byThread;
    }

    private static long allocatedSince(Map<Long, Long> before) {
        long total = 0;
        for (Map.Entry<Long, Long> now : allocatedByThread().entrySet()) {
            total += now.getValue() - before.getOrDefault(now.getKey(), 0L);
        }
        return total;
    }
}
