package dev.backbone.bench.load;

/** A command line the load generator cannot run; the message says what to change. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
