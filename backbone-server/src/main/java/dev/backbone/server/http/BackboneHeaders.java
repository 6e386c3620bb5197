package dev.backbone.server.http;

/** Response headers every consume answer carries. */
public final class BackboneHeaders {

    /** The first offset still in the partition's log. */
    public static final String LOG_START_OFFSET = "Backbone-Log-Start-Offset";
    /** One past the last offset visible in the partition when the answer was made. */
    public static final String END_OFFSET = "Backbone-End-Offset";
    /** The offset to ask for next to continue after this answer. */
    public static final String NEXT_OFFSET = "Backbone-Next-Offset";

    private BackboneHeaders() {
    }
}
