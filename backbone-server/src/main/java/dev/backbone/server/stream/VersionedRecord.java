package dev.backbone.server.stream;

import dev.backbone.client.batch.Record;

/**
 * One record of a key's stream with its version.
 *
 * @param version 0 for the key's first record, counting up
 * @param record  the record as stored
 */
public record VersionedRecord(int version, Record record) {
}
