package dev.backbone.server.stream;

import java.util.List;

/**
 * A slice of one key's stream, as visible to readers.
 *
 * @param currentVersion the version of the key's newest visible record; -1 when it has none
 * @param records        the records from the requested version on, oldest first, at most the requested number;
 *                       records deleted by retention are left out, so the first may have a higher version
 */
public record KeyStreamRead(int currentVersion, List<VersionedRecord> records) {

    public KeyStreamRead {
        records = List.copyOf(records);
    }

    /** The version to read from next: one past the last record returned, else past the current version. */
    public int nextVersion(int requestedFromVersion) {
        return records.isEmpty() ? Math.max(requestedFromVersion, currentVersion + 1)
                : records.get(records.size() - 1).version() + 1;
    }
}
