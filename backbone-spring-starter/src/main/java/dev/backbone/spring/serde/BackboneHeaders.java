package dev.backbone.spring.serde;

/**
 * Names of the record headers the starter writes and reads. They are public API: consumers in other languages
 * read them.
 */
public final class BackboneHeaders {

    /** The payload's event type name: {@link EventType} on its class, else the simple class name. */
    public static final String EVENT_TYPE = "event-type";

    /** The payload's media type; the starter always writes JSON. */
    public static final String CONTENT_TYPE = "content-type";

    /** W3C trace context of the publish that wrote the record, when tracing is on. */
    public static final String TRACEPARENT = "traceparent";

    /** W3C trace state that goes with {@link #TRACEPARENT}. */
    public static final String TRACESTATE = "tracestate";

    /** Dead-letter records: the topic the failed record was read from. */
    public static final String DLT_ORIGINAL_TOPIC = "dlt-original-topic";

    /** Dead-letter records: the partition the failed record was read from. */
    public static final String DLT_ORIGINAL_PARTITION = "dlt-original-partition";

    /** Dead-letter records: the offset of the failed record. */
    public static final String DLT_ORIGINAL_OFFSET = "dlt-original-offset";

    /** Dead-letter records: the group whose listener failed. */
    public static final String DLT_GROUP = "dlt-group";

    /** Dead-letter records: class name of the root cause of the last failure. */
    public static final String DLT_EXCEPTION = "dlt-exception";

    /** Dead-letter records: the compact failure envelope, one JSON object (see {@code FailureEnvelope}). */
    public static final String DLT_FAILURE = "dlt-failure";

    private BackboneHeaders() {
    }

    /**
     * Whether a header is one the dead-letter path writes, so that a record dead-lettered twice carries one
     * envelope, not a stack of them.
     *
     * @param name a header name
     * @return true for the {@code dlt-} headers
     */
    public static boolean isDeadLetterHeader(String name) {
        return name.startsWith("dlt-");
    }
}
