package dev.backbone.client.http;

/**
 * The broker could not be reached or did not answer in time (connection refused or cut, connect or response
 * timeout, after every retry the settings allow). Whether a write that fails this way was stored is unknown
 * unless it was sent idempotently.
 */
public class BackboneUnavailableException extends BackboneClientException {

    private final String request;
    private final int attempts;

    public BackboneUnavailableException(String request, int attempts, Throwable cause) {
        super(request + " failed after " + attempts + " attempt(s): " + describe(cause), cause);
        this.request = request;
        this.attempts = attempts;
    }

    /** The method and path of the request, e.g. {@code POST /v1/topics/orders/partitions/0/records}. */
    public String request() {
        return request;
    }

    /** How many times the request was sent. */
    public int attempts() {
        return attempts;
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "no answer";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
