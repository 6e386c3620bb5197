package dev.backbone.client.http;

import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.InvalidBatchException;
import dev.backbone.client.batch.RecordBatchDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a binary fetch answer: whole batches from the segment file, the first of which may start below the
 * offset asked for (as in Kafka); those records are left out. Stateless and thread-safe.
 */
final class BinaryFetch {

    static final String LOG_START_OFFSET = "Backbone-Log-Start-Offset";
    static final String END_OFFSET = "Backbone-End-Offset";
    static final String NEXT_OFFSET = "Backbone-Next-Offset";

    private BinaryFetch() {
    }

    /**
     * @param answer the status and headers of the answer
     * @param body   the body; read only during the call (the records are copied out of it)
     */
    static FetchResult decode(String topic, int partition, long offset, Answer answer, ByteBuffer body) {
        ArrayList<ConsumedRecord> records = new ArrayList<>();
        try {
            // Straight into ConsumedRecords, and records before the offset asked for are skipped uncopied.
            RecordBatchDecoder.decodeAll(body, offset, new RecordBatchDecoder.RecordSink() {
                @Override
                public void batch(int recordCount) {
                    records.ensureCapacity(records.size() + recordCount);
                }

                @Override
                public void record(long recordOffset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
                    records.add(new ConsumedRecord(recordOffset, timestamp, key, value, headers));
                }
            });
        } catch (InvalidBatchException e) {
            throw new BackboneClientException("the broker sent a damaged batch for " + topic + "-" + partition
                    + " from offset " + offset + ": " + e.getMessage(), e);
        }
        long last = records.isEmpty() ? offset : records.get(records.size() - 1).offset() + 1;
        return new FetchResult(topic, partition, records, answer.longHeader(NEXT_OFFSET, last),
                answer.longHeader(LOG_START_OFFSET, -1L), answer.longHeader(END_OFFSET, -1L));
    }
}
