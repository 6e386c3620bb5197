package dev.backbone.server.http;

import org.springframework.http.MediaType;

/** Media types of the v1 API beyond the standard ones. */
public final class BackboneMediaTypes {

    /** One or more Kafka RecordBatch v2 batches back to back, as they rest on disk. */
    public static final String BATCH_VALUE = "application/vnd.backbone.batch";
    public static final MediaType BATCH = MediaType.parseMediaType(BATCH_VALUE);

    private BackboneMediaTypes() {
    }
}
