package dev.backbone.server.http;

import dev.backbone.server.log.PartitionLog;
import java.util.Locale;

/**
 * Where a consume starts: an offset, or {@code earliest} (the log start) or {@code latest} (the log end, so only
 * new records).
 *
 * @param offset the offset when {@code kind} is {@link Kind#OFFSET}
 */
public record OffsetSpec(Kind kind, long offset) {

    public enum Kind { OFFSET, EARLIEST, LATEST }

    public static final OffsetSpec EARLIEST = new OffsetSpec(Kind.EARLIEST, -1);
    public static final OffsetSpec LATEST = new OffsetSpec(Kind.LATEST, -1);

    /**
     * @param value a non-negative number, {@code earliest} or {@code latest}; {@code defaultSpec} when absent
     * @throws dev.backbone.server.error.BackboneException {@code invalid-parameter} otherwise
     */
    public static OffsetSpec parse(String value, OffsetSpec defaultSpec) {
        if (value == null || value.isEmpty()) {
            return defaultSpec;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "earliest" -> EARLIEST;
            case "latest" -> LATEST;
            default -> new OffsetSpec(Kind.OFFSET, RequestParams.longValue("offset", value, 0, 0, Long.MAX_VALUE));
        };
    }

    /** The offset this spec names in {@code log} now. */
    public long resolve(PartitionLog log) {
        return switch (kind) {
            case EARLIEST -> log.logStartOffset();
            case LATEST -> log.logEndOffset();
            case OFFSET -> offset;
        };
    }
}
