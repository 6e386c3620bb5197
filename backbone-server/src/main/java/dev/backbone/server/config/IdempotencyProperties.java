package dev.backbone.server.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of idempotent produce: the {@code Idempotency-Key} window, and the idempotent-producer state kept per
 * partition for binary batches that carry a producer id.
 *
 * <p>Thread safety: bound once at start-up, read-only afterwards.
 */
@ConfigurationProperties("backbone.idempotency")
public class IdempotencyProperties {

    /** How long after a request its Idempotency-Key is remembered; a retry after that appends again. */
    private Duration window = Duration.ofMinutes(10);

    /** The most Idempotency-Keys remembered at once; when full, the oldest is forgotten first. */
    private int maxKeys = 100_000;

    /**
     * Whether answers of Idempotency-Key requests are also kept in the internal topic __backbone_idempotency, so
     * that a retry after a restart still gets the first answer; false keeps them in memory only.
     */
    private boolean journal = true;

    /** The most idempotent producers remembered per partition; the least recently used is forgotten first. */
    private int maxProducersPerPartition = 10_000;

    /** The most bytes of a streaming (NDJSON) produce's answer kept for its retries; a larger answer is not kept. */
    private DataSize maxStreamAnswerBytes = DataSize.ofMegabytes(8);

    public DataSize getMaxStreamAnswerBytes() {
        return maxStreamAnswerBytes;
    }

    public void setMaxStreamAnswerBytes(DataSize maxStreamAnswerBytes) {
        this.maxStreamAnswerBytes = maxStreamAnswerBytes;
    }

    public boolean isJournal() {
        return journal;
    }

    public void setJournal(boolean journal) {
        this.journal = journal;
    }

    public Duration getWindow() {
        return window;
    }

    public void setWindow(Duration window) {
        this.window = window;
    }

    public int getMaxKeys() {
        return maxKeys;
    }

    public void setMaxKeys(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    public int getMaxProducersPerPartition() {
        return maxProducersPerPartition;
    }

    public void setMaxProducersPerPartition(int maxProducersPerPartition) {
        this.maxProducersPerPartition = maxProducersPerPartition;
    }
}
