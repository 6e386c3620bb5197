package dev.backbone.client.batch;

/**
 * A record batch that cannot be accepted: malformed, truncated, with a bad checksum, of an unsupported
 * format or too large. The message names what is wrong and where.
 */
public class InvalidBatchException extends RuntimeException {

    /** What kind of fault; stable, so that the broker can map each to its own problem type. */
    public enum Reason {
        /** A length, count or field does not fit what remains, or a value is impossible. */
        MALFORMED,
        /** The stored CRC-32C does not match the bytes it covers. */
        CRC_MISMATCH,
        /** Magic other than 2. */
        UNSUPPORTED_MAGIC,
        /** A compression codec this build does not read. */
        UNSUPPORTED_COMPRESSION,
        /** Larger than a configured limit. */
        TOO_LARGE
    }

    private final Reason reason;
    private final long position;

    /**
     * @param position the byte position of the offending batch within the input, or -1 when not known
     */
    public InvalidBatchException(Reason reason, long position, String message) {
        super(position >= 0 ? message + " (batch at byte " + position + ")" : message);
        this.reason = reason;
        this.position = position;
    }

    public Reason reason() {
        return reason;
    }

    public long position() {
        return position;
    }
}
