package dev.backbone.server.log;

/**
 * Hears every fsync the group-commit flusher makes, for metrics (fsync latency, fsyncs per second). Called on
 * the flusher thread right after the fsync, before the appenders it covers are acknowledged: it must be quick
 * and must not block or throw.
 */
@FunctionalInterface
public interface FlushListener {

    /**
     * @param topicPartition the partition flushed
     * @param durationNanos  how long the fsync of its {@code .log} file took
     * @param offsetsCovered how many offsets became durable with it (0 when it only flushed sealed segments)
     */
    void onFlush(TopicPartition topicPartition, long durationNanos, long offsetsCovered);
}
