package dev.backbone.bench.load;

/** The broker answered a call with an unexpected status; the message carries the problem body. */
public final class BrokerException extends RuntimeException {

    private final int status;

    public BrokerException(String call, int status, String body) {
        super(call + " answered " + status + ": " + abbreviate(body));
        this.status = status;
    }

    public int status() {
        return status;
    }

    private static String abbreviate(String body) {
        return body.length() <= 500 ? body : body.substring(0, 500) + "...";
    }
}
