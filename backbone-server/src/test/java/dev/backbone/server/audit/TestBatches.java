package dev.backbone.server.audit;

import java.nio.ByteBuffer;
import java.util.List;

import dev.backbone.client.batch.RecordBatchBuilder;

/** Batches for chain tests, built with the real codec. */
final class TestBatches {

    private TestBatches() {
    }

    /** A batch of one record per value (no key, no headers), all with timestamp {@code timestampMs}. */
    static ByteBuffer batch(long timestampMs, byte[]... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (byte[] value : values) {
            builder.add(timestampMs, null, value, List.of());
        }
        return builder.build();
    }
}
