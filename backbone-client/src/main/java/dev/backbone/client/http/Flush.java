package dev.backbone.client.http;

/** When the broker acknowledges a write: the {@code flush} query parameter of a produce. */
public enum Flush {

    /** Once the records are in the broker's page cache. */
    NONE,

    /** Once the records are on disk (the broker's fsync; concurrent writers share one). */
    SYNC;

    /** The query parameter value. */
    String wireName() {
        return this == NONE ? "none" : "sync";
    }
}
