package dev.backbone.server.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the streaming endpoints: NDJSON produce, and live SSE and NDJSON consume.
 *
 * <p>Thread safety: bound once at start-up, read-only afterwards.
 */
@ConfigurationProperties("backbone.streaming")
public class StreamingProperties {

    /** How often a live stream sends a heartbeat (an SSE comment, or an empty NDJSON line) so proxies keep it open. */
    private Duration heartbeat = Duration.ofSeconds(15);

    /** How long one long poll of a live stream waits for records; capped by backbone.long-poll.max-wait. */
    private Duration pollWait = Duration.ofSeconds(30);

    /** The most bytes of batches a live stream reads per poll. */
    private DataSize fetchBytes = DataSize.ofMegabytes(1);

    /** The longest line an NDJSON produce accepts; the per-record limit still applies to the record it holds. */
    private DataSize maxLineBytes = DataSize.ofMegabytes(2);

    /** The most NDJSON lines appended as one batch. */
    private int batchRecords = 500;

    /** The most bytes of NDJSON lines appended as one batch (a single longer line is appended alone). */
    private DataSize batchBytes = DataSize.ofMegabytes(1);

    public Duration getHeartbeat() {
        return heartbeat;
    }

    public void setHeartbeat(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    public Duration getPollWait() {
        return pollWait;
    }

    public void setPollWait(Duration pollWait) {
        this.pollWait = pollWait;
    }

    public DataSize getFetchBytes() {
        return fetchBytes;
    }

    public void setFetchBytes(DataSize fetchBytes) {
        this.fetchBytes = fetchBytes;
    }

    public DataSize getMaxLineBytes() {
        return maxLineBytes;
    }

    public void setMaxLineBytes(DataSize maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    public int getBatchRecords() {
        return batchRecords;
    }

    public void setBatchRecords(int batchRecords) {
        this.batchRecords = batchRecords;
    }

    public DataSize getBatchBytes() {
        return batchBytes;
    }

    public void setBatchBytes(DataSize batchBytes) {
        this.batchBytes = batchBytes;
    }
}
