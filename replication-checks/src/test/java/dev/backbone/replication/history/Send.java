package dev.backbone.replication.history;

/**
 * One produce of one record, from invocation to completion.
 *
 * @param process the client that sent it (a client runs one operation at a time)
 * @param partition the partition it was sent to
 * @param value the record's value, unique per logical write: retries of one write reuse it
 * @param idempotencyKey the {@code Idempotency-Key} it carried, or null
 * @param invokeNanos when it was sent, nanoseconds since the history began
 * @param completeNanos when the answer (or the failure) came
 * @param outcome how it ended
 * @param offset the acknowledged offset when {@code outcome} is OK, otherwise -1
 * @param node the broker it was sent to
 * @param error what went wrong, when not OK
 */
public record Send(int process, int partition, String value, String idempotencyKey, long invokeNanos,
        long completeNanos, Outcome outcome, long offset, String node, String error) {

    public Send {
        if (outcome == Outcome.OK && offset < 0) {
            throw new IllegalArgumentException("An acknowledged send needs its offset: " + value);
        }
    }

    public boolean acknowledged() {
        return outcome == Outcome.OK;
    }
}
