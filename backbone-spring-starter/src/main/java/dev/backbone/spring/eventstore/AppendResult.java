package dev.backbone.spring.eventstore;

import java.util.List;

/**
 * Where an append to a key's stream landed.
 *
 * @param topic     the topic
 * @param partition the key's partition
 * @param key       the key
 * @param version   the stream's new version: the version of the last event written, to pass as the expected
 *                  version of the next append
 * @param offsets   the offset of every event written, in order
 */
public record AppendResult(String topic, int partition, String key, long version, List<Long> offsets) {

    public AppendResult {
        offsets = List.copyOf(offsets);
    }

    /**
     * The offset of the last event written, for {@code BackboneListenerRegistry.awaitProcessed}.
     *
     * @return the offset
     */
    public long lastOffset() {
        return offsets.get(offsets.size() - 1);
    }
}
