package dev.backbone.replication.history;

/**
 * One record a poll returned.
 *
 * @param offset its offset
 * @param value its value
 */
public record Read(long offset, String value) {
}
