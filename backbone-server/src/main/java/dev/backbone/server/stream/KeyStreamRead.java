package dev.backbone.server.stream;

import java.util.List;

/**
 * A slice of one key's stream, as visible to readers.
 *
 * @param currentVersion        the version of the key's newest visible record; -1 when it has none
 * @param firstAvailableVersion the oldest version still in the log (older records were deleted by retention);
 *                              -1 when the key has no record
 * @param records               the records from the requested version (or the first available one), oldest
 *                              first, at most the requested number
 */
public record KeyStreamRead(int currentVersion, int firstAvailableVersion, List<VersionedRecord> records) {

    public KeyStreamRead {
        records = List.copyOf(records);
    }

    /** The version to read from next: one past the last record returned, or the requested one when none was. */
    public int nextVersion(int requestedFromVersion) {
        return records.isEmpty() ? Math.max(requestedFromVersion, currentVersion + 1)
                : records.get(records.size() - 1).version() + 1;
    }
}
