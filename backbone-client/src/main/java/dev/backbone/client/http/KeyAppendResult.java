package dev.backbone.client.http;

import java.util.List;

/**
 * The answer to a key stream append.
 *
 * @param topic               the topic
 * @param partition           the key's partition
 * @param key                 the key
 * @param offsets             each event's offset, in order
 * @param firstVersion        the first event's version
 * @param nextExpectedVersion the last event's version: the expected version of the next append
 */
public record KeyAppendResult(String topic, int partition, String key, List<Long> offsets, long firstVersion,
                              long nextExpectedVersion) {

    public KeyAppendResult {
        offsets = List.copyOf(offsets);
    }
}
