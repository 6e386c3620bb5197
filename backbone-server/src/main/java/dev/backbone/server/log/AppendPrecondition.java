package dev.backbone.server.log;

/**
 * A check run under a partition's append lock, before anything is written, with the offset the first
 * appended record would get. Throwing any {@link RuntimeException} aborts the append: the exception
 * reaches the caller and the log is unchanged. Key streams use it for optimistic concurrency.
 *
 * <p>It runs while the partition is locked against other appends, so it must be quick and must not block
 * or call back into the same log.
 */
@FunctionalInterface
public interface AppendPrecondition {

    /** Accepts every append. */
    AppendPrecondition NONE = nextOffset -> { };

    /**
     * @param nextOffset the offset the first record of this append will be given
     * @throws RuntimeException to refuse the append
     */
    void check(long nextOffset);
}
