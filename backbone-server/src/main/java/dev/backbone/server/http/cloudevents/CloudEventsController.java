package dev.backbone.server.http.cloudevents;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.backbone.server.error.ProblemType;
import dev.backbone.server.http.BodyReader;
import dev.backbone.server.http.HttpLimits;
import dev.backbone.server.http.ProblemResponses;
import dev.backbone.server.http.ProduceController.ProduceResponse;
import dev.backbone.server.http.ProduceService;
import dev.backbone.server.http.ProducedRecord;
import dev.backbone.server.http.RequestParams;
import dev.backbone.server.http.idempotency.IdempotentRequests;
import dev.backbone.server.log.FlushMode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * The CloudEvents 1.0 HTTP binding, produce side: structured, batched and binary mode ({@link CloudEventsConsumeHandler}
 * serves them back). Events are stored as the CloudEvents Kafka binding stores binary-mode events (see
 * {@link CloudEventKafkaMapping}), so a Kafka CloudEvents SDK reads the same records.
 *
 * <p>Binary mode is recognised by the {@code ce-specversion} header whatever the content type, JSON included: it is a
 * functional route (Spring consults those before annotated mappings) whose predicate requires that header.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
@RestController
@RequestMapping("/v1/topics/{topic}")
@Tag(name = "CloudEvents", description = "Produce and consume CloudEvents 1.0 (HTTP binding)")
public class CloudEventsController {

    public static final String BINARY_MODE_PATH = "/v1/topics/{topic}/records";

    private final ProduceService produceService;
    private final HttpLimits limits;
    private final CloudEventJson json;
    private final IdempotentRequests idempotency;

    public CloudEventsController(ProduceService produceService, HttpLimits limits, CloudEventJson json,
                                 IdempotentRequests idempotency) {
        this.produceService = produceService;
        this.limits = limits;
        this.json = json;
        this.idempotency = idempotency;
    }

    @PostMapping(path = "/records", consumes = CloudEventJson.STRUCTURED_MEDIA_TYPE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Produce one CloudEvent (structured mode)",
            description = "Body: one event in the CloudEvents JSON format. Stored with every attribute as a ce_<name>"
                    + " header, datacontenttype as content-type, the data as the value and the partitionkey"
                    + " extension as the key. Binary mode is accepted on the same path: a ce-specversion header,"
                    + " the other attributes in ce-<name> headers, the data as the body in any content type.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    mediaType = CloudEventJson.STRUCTURED_MEDIA_TYPE,
                    schema = @Schema(example = "{\"specversion\": \"1.0\", \"id\": \"e-1\", \"source\": \"/orders\","
                            + " \"type\": \"order.created\", \"data\": {\"total\": 12.5}}"))))
    @ProblemResponses({ProblemType.INVALID_CLOUDEVENT, ProblemType.RECORD_TOO_LARGE, ProblemType.REQUEST_TOO_LARGE,
            ProblemType.UNKNOWN_TOPIC, ProblemType.INVALID_TOPIC, ProblemType.INVALID_PARAMETER,
            ProblemType.IDEMPOTENCY_KEY_REUSED, ProblemType.INSUFFICIENT_STORAGE, ProblemType.DURABILITY_UNKNOWN,
            ProblemType.INTERNAL_TOPIC})
    public Mono<ProduceResponse> produceStructured(@PathVariable("topic") String topic,
                                                   @RequestParam(name = "flush", required = false) String flush,
                                                   ServerHttpRequest request, ServerHttpResponse response) {
        return produce(topic, flush, request, response, body -> List.of(json.readStructured(bytes(body))));
    }

    @PostMapping(path = "/records", consumes = CloudEventJson.BATCH_MEDIA_TYPE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Produce CloudEvents (batched mode)",
            description = "Body: a JSON array of events in the CloudEvents JSON format. All events for one partition"
                    + " are appended atomically; the answer lists each event's partition and offset in order.")
    @ProblemResponses({ProblemType.INVALID_CLOUDEVENT, ProblemType.RECORD_TOO_LARGE, ProblemType.REQUEST_TOO_LARGE,
            ProblemType.UNKNOWN_TOPIC, ProblemType.INVALID_TOPIC, ProblemType.INVALID_PARAMETER,
            ProblemType.IDEMPOTENCY_KEY_REUSED, ProblemType.INSUFFICIENT_STORAGE, ProblemType.DURABILITY_UNKNOWN,
            ProblemType.INTERNAL_TOPIC})
    public Mono<ProduceResponse> produceBatch(@PathVariable("topic") String topic,
                                              @RequestParam(name = "flush", required = false) String flush,
                                              ServerHttpRequest request, ServerHttpResponse response) {
        return produce(topic, flush, request, response, body -> json.readBatch(bytes(body)));
    }

    /**
     * Binary mode, served as a functional route (see {@link #isBinaryMode}) so that a request without
     * {@code ce-specversion} never partially matches it and keeps its ordinary 415 when its content type is not
     * accepted.
     */
    public Mono<ServerResponse> produceBinary(ServerRequest request) {
        ServerHttpRequest httpRequest = request.exchange().getRequest();
        HttpHeaders headers = httpRequest.getHeaders();
        return produce(request.pathVariable("topic"), request.queryParam("flush").orElse(null), httpRequest,
                request.exchange().getResponse(), body -> List.of(CloudEventHttpBinary.read(
                        headers.asMultiValueMap(), headers.getFirst(HttpHeaders.CONTENT_TYPE), bytes(body))))
                .flatMap(answer -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(answer));
    }

    /** {@code POST /v1/topics/{topic}/records} with a {@code ce-specversion} header: binary mode. */
    public static RequestPredicate isBinaryMode() {
        return RequestPredicates.POST(BINARY_MODE_PATH)
                .and(request -> !request.headers().header(CloudEventHttpBinary.SPECVERSION_HEADER).isEmpty());
    }

    @FunctionalInterface
    private interface EventReader {
        List<CloudEvent> read(ByteBuffer body);
    }

    private Mono<ProduceResponse> produce(String topic, String flush, ServerHttpRequest request,
                                          ServerHttpResponse response, EventReader reader) {
        return Mono.defer(() -> {
            FlushMode flushMode = RequestParams.flush(flush);
            return BodyReader.readHeap(request, limits.maxRequestBytes())
                    .flatMap(body -> idempotency.apply(request, response, topic, body, () -> {
                        List<CloudEvent> events = reader.read(body);
                        if (events.isEmpty()) {
                            return Mono.just(new ProduceResponse(List.of()));
                        }
                        List<ProducedRecord> records = new ArrayList<>(events.size());
                        for (CloudEvent event : events) {
                            records.add(new ProducedRecord(null, CloudEventKafkaMapping.key(event), event.data(),
                                    CloudEventKafkaMapping.headers(event), null));
                        }
                        return produceService.produce(topic, records, flushMode).map(ProduceResponse::new);
                    }));
        });
    }

    private static byte[] bytes(ByteBuffer body) {
        return body.position() == 0 && body.limit() == body.array().length ? body.array()
                : Arrays.copyOfRange(body.array(), body.position(), body.limit());
    }
}
