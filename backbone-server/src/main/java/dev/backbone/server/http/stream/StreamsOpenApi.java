package dev.backbone.server.http.stream;

import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;

import dev.backbone.server.http.cloudevents.CloudEventJson;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;

/**
 * Completes the OpenAPI document for the produce and consume paths that several handlers share.
 *
 * <p>OpenAPI has one operation per path and method, and springdoc keeps only one handler's request or response
 * media types when several (JSON, NDJSON, CloudEvents, SSE, functional routes) answer on the same path. This adds
 * the others, so {@code /v3/api-docs} lists every media type a client may send and ask for.
 *
 * <p>Thread safety: stateless.
 */
public final class StreamsOpenApi implements OpenApiCustomizer {

    static final String RECORDS = "/v1/topics/{topic}/records";
    static final String PARTITION_RECORDS = "/v1/topics/{topic}/partitions/{partition}/records";

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        PathItem produce = openApi.getPaths().get(RECORDS);
        if (produce != null && produce.getPost() != null) {
            Operation post = produce.getPost();
            if (post.getRequestBody() == null) {
                post.setRequestBody(new RequestBody());
            }
            Content content = post.getRequestBody().getContent();
            if (content == null) {
                content = new Content();
                post.getRequestBody().setContent(content);
            }
            addIfAbsent(content, Map.of(
                    org.springframework.http.MediaType.APPLICATION_JSON_VALUE, new ObjectSchema(),
                    org.springframework.http.MediaType.APPLICATION_NDJSON_VALUE, new StringSchema(),
                    CloudEventJson.STRUCTURED_MEDIA_TYPE, new ObjectSchema(),
                    CloudEventJson.BATCH_MEDIA_TYPE, new ArraySchema().items(new ObjectSchema()),
                    "*/*", new StringSchema().format("binary")));
            post.setSummary("Produce records: JSON, an NDJSON stream, or CloudEvents");
            post.setDescription("application/json: {\"records\": [{\"key\", \"value\", \"headers\", \"partition\","
                    + " \"timestamp\"}]}; keyed records go to murmur2(key) mod partitions, unkeyed ones round-robin;"
                    + " all records for one partition are appended atomically. application/x-ndjson: one such record"
                    + " per line, appended as lines arrive, offsets streamed back one line per record (see"
                    + " docs/HTTP-API.md). application/cloudevents+json and application/cloudevents-batch+json:"
                    + " CloudEvents in structured and batched mode; any content type with a ce-specversion header:"
                    + " binary mode. Every variant honours Idempotency-Key and ?flush=sync. A missing topic is created"
                    + " when auto-creation is on.");
        }
        PathItem consume = openApi.getPaths().get(PARTITION_RECORDS);
        if (consume != null && consume.getGet() != null && consume.getGet().getResponses() != null) {
            ApiResponse ok = consume.getGet().getResponses().get("200");
            if (ok != null) {
                if (ok.getContent() == null) {
                    ok.setContent(new Content());
                }
                addIfAbsent(ok.getContent(), Map.of(
                        org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE, new StringSchema(),
                        org.springframework.http.MediaType.APPLICATION_NDJSON_VALUE, new StringSchema(),
                        CloudEventJson.BATCH_MEDIA_TYPE, new ArraySchema().items(new ObjectSchema())));
            }
            Operation get = consume.getGet();
            get.setSummary("Consume records: JSON, stored batches (zero copy), CloudEvents, or a live SSE/NDJSON"
                    + " stream");
        }
    }

    private static void addIfAbsent(Content content, Map<String, Schema<?>> types) {
        types.forEach((type, schema) -> content.computeIfAbsent(type, t -> new MediaType().schema(schema)));
    }
}
