package dev.backbone.replication.history;

/** How an operation ended, as the client saw it. */
public enum Outcome {
    /** Acknowledged: a produce answered 200 with its offset, a poll answered with records. */
    OK,
    /** Definitely not done: the broker refused it in a way that guarantees nothing was appended (a 4xx). */
    FAIL,
    /** Indeterminate: a timeout, a dropped connection, a 5xx; the operation may or may not have taken effect. */
    UNKNOWN
}
