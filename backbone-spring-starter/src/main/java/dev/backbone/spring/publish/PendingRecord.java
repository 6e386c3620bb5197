package dev.backbone.spring.publish;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.backbone.client.batch.Header;
import dev.backbone.client.http.ProducerRecord;

/**
 * A record waiting in the publisher: its bytes, its deadline and the future to complete. Created by the calling
 * thread, then owned by the sender thread (its {@code partition} is set there).
 */
final class PendingRecord {

    final String topic;

    final ProducerRecord record;

    final int sizeBytes;

    final long deadlineNanos;

    final CompletableFuture<PublishResult> future;

    int partition = -1;

    PendingRecord(String topic, byte[] key, byte[] value, List<Header> headers, long deadlineNanos,
                  CompletableFuture<PublishResult> future) {
        this.topic = topic;
        this.record = new ProducerRecord(key, value, headers, System.currentTimeMillis());
        this.sizeBytes = estimateSize(key, value, headers);
        this.deadlineNanos = deadlineNanos;
        this.future = future;
    }

    private static int estimateSize(byte[] key, byte[] value, List<Header> headers) {
        // Record framing (length, attributes, deltas, counts) is at most ~20 bytes beyond the data.
        int size = 20 + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            size += 2 + h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }
}
