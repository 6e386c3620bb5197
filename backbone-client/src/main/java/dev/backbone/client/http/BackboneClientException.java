package dev.backbone.client.http;

/** The root of every failure the client reports. */
public class BackboneClientException extends RuntimeException {

    public BackboneClientException(String message) {
        super(message);
    }

    public BackboneClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
