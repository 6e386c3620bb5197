package dev.backbone.client.http;

/**
 * The special values of a key stream append's expected version. Any value from 0 on means "the stream's newest
 * record has exactly this version".
 */
public final class ExpectedVersion {

    /** No check: the append always succeeds (sent as no {@code expectedVersion} at all). */
    public static final long ANY = -2L;

    /** The stream must not exist yet: the key has no record ({@code expectedVersion=-1}). */
    public static final long NO_STREAM = -1L;

    private ExpectedVersion() {
    }

    static void check(long expectedVersion) {
        if (expectedVersion < ANY) {
            throw new IllegalArgumentException("expectedVersion must be ANY (-2), NO_STREAM (-1) or a version"
                    + " >= 0, got " + expectedVersion);
        }
    }
}
