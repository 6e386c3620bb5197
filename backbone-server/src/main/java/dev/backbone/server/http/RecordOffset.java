package dev.backbone.server.http;

/**
 * Where one produced record was stored.
 *
 * @param partition the partition number
 * @param offset    the record's offset in that partition
 */
public record RecordOffset(int partition, long offset) {
}
