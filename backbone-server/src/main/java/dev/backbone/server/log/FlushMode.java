package dev.backbone.server.log;

/** When an append is acknowledged, and so which data a crash may take back. */
public enum FlushMode {
    /** Acknowledged once written to the page cache: survives a process crash, not a power loss. */
    NONE,
    /** Acknowledged after fsync; concurrent appenders share one fsync (group commit). */
    SYNC
}
