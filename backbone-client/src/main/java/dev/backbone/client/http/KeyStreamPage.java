package dev.backbone.client.http;

import java.util.List;

/**
 * One page of a key's stream.
 *
 * @param topic          the topic
 * @param partition      the key's partition
 * @param key            the key
 * @param currentVersion the stream's newest version, -1 when the key has no record
 * @param nextVersion    the version to read from for the next page
 * @param events         the events of this page, in version order
 */
public record KeyStreamPage(String topic, int partition, String key, long currentVersion, long nextVersion,
                            List<VersionedEvent> events) {

    public KeyStreamPage {
        events = List.copyOf(events);
    }

    /** True when this page reaches the stream's newest version. */
    public boolean isLast() {
        return nextVersion > currentVersion;
    }
}
