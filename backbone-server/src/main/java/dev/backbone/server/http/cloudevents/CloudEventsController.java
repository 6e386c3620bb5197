package dev.backbone.server.http.cloudevents;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.backbone.client.batch.Record;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.http.BackboneHeaders;
import dev.backbone.server.http.BodyReader;
import dev.backbone.server.http.FetchService;
import dev.backbone.server.http.HttpLimits;
import dev.backbone.server.http.OffsetSpec;
import dev.backbone.server.http.ProblemResponses;
import dev.backbone.server.http.ProduceController.ProduceResponse;
import dev.backbone.server.http.ProduceService;
import dev.backbone.server.http.ProducedRecord;
import dev.backbone.server.http.RequestParams;
import dev.backbone.server.http.idempotency.IdempotentRequests;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.PartitionLog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * The CloudEvents 1.0 HTTP binding: produce in structured, batched and binary mode, and consume as a batch of
 * structured events. Events are stored as the CloudEvents Kafka binding stores binary-mode events (see
 * {@link CloudEventKafkaMapping}), so a Kafka CloudEvents SDK reads the same records.
 *
 * <p>Binary mode is recognised by the {@code ce-specversion} header whatever the content type, JSON included: that
 * mapping declares the header condition, which Spring ranks above the plain JSON produce's media-type condition.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
@RestController
@RequestMapping("/v1/topics/{topic}")
@Tag(name = "CloudEvents", description = "Produce and consume CloudEvents 1.0 (HTTP binding)")
public class CloudEventsController {

    private final ProduceService produceService;
    private final FetchService fetchService;
    private final HttpLimits limits;
    private final CloudEventJson json;
    private final IdempotentRequests idempotency;

    public CloudEventsController(ProduceService produceService, FetchService fetchService, HttpLimits limits,
                                 CloudEventJson json, IdempotentRequests idempotency) {
        this.produceService = produceService;
        this.fetchService = fetchService;
        this.limits = limits;
        this.json = json;
        this.idempotency = idempotency;
    }

    @PostMapping(path = "/records", consumes = CloudEventJson.STRUCTURED_MEDIA_TYPE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Produce one CloudEvent (structured mode)",
            description = "Body: one event in the CloudEvents JSON format. Stored with every attribute as a ce_<name>"
                    + " header, datacontenttype as content-type, the data as the value and the partitionkey"
                    + " extension as the key.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    mediaType = CloudEventJson.STRUCTURED_MEDIA_TYPE,
                    schema = @Schema(example = "{\"specversion\": \"1.0\", \"id\": \"e-1\", \"source\": \"/orders\","
                            + " \"type\": \"order.created\", \"data\": {\"total\": 12.5}}"))))
    @ProblemResponses({ProblemType.INVALID_CLOUDEVENT, ProblemType.RECORD_TOO_LARGE, ProblemType.REQUEST_TOO_LARGE,
            ProblemType.UNKNOWN_TOPIC, ProblemType.INVALID_TOPIC, ProblemType.INVALID_PARAMETER,
            ProblemType.IDEMPOTENCY_KEY_REUSED, ProblemType.INSUFFICIENT_STORAGE})
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
            ProblemType.IDEMPOTENCY_KEY_REUSED, ProblemType.INSUFFICIENT_STORAGE})
    public Mono<ProduceResponse> produceBatch(@PathVariable("topic") String topic,
                                              @RequestParam(name = "flush", required = false) String flush,
                                              ServerHttpRequest request, ServerHttpResponse response) {
        return produce(topic, flush, request, response, body -> json.readBatch(bytes(body)));
    }

    @PostMapping(path = "/records", headers = "ce-specversion", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Produce one CloudEvent (binary mode)",
            description = "Attributes in ce-<name> headers (percent-encoded where needed), the data as the body in"
                    + " any content type; Content-Type becomes datacontenttype. Recognised by the ce-specversion"
                    + " header.")
    @ProblemResponses({ProblemType.INVALID_CLOUDEVENT, ProblemType.RECORD_TOO_LARGE, ProblemType.REQUEST_TOO_LARGE,
            ProblemType.UNKNOWN_TOPIC, ProblemType.INVALID_TOPIC, ProblemType.INVALID_PARAMETER,
            ProblemType.IDEMPOTENCY_KEY_REUSED, ProblemType.INSUFFICIENT_STORAGE})
    public Mono<ProduceResponse> produceBinary(@PathVariable("topic") String topic,
                                               @RequestParam(name = "flush", required = false) String flush,
                                               ServerHttpRequest request, ServerHttpResponse response) {
        HttpHeaders headers = request.getHeaders();
        return produce(topic, flush, request, response, body -> List.of(CloudEventHttpBinary.read(
                headers.asMultiValueMap(), headers.getFirst(HttpHeaders.CONTENT_TYPE), bytes(body))));
    }

    @GetMapping(path = "/partitions/{partition}/records", produces = CloudEventJson.BATCH_MEDIA_TYPE)
    @Operation(summary = "Consume records as CloudEvents",
            description = "As the JSON consume (offset, maxBytes, maxWaitMs, long poll), answered as a JSON array"
                    + " of structured CloudEvents. Records stored from CloudEvents come back as they were sent;"
                    + " other records are rendered as synthesized events of type dev.backbone.record with id"
                    + " <topic>-<partition>-<offset>. Backbone-Next-Offset says where to continue.")
    @ProblemResponses({ProblemType.UNKNOWN_TOPIC, ProblemType.UNKNOWN_PARTITION, ProblemType.OFFSET_OUT_OF_RANGE,
            ProblemType.INVALID_PARAMETER})
    public Mono<byte[]> consume(@PathVariable("topic") String topic, @PathVariable("partition") int partition,
                                @Parameter(description = "a number, earliest or latest; earliest when absent")
                                @RequestParam(name = "offset", required = false) String offset,
                                @RequestParam(name = "maxBytes", required = false) String maxBytes,
                                @RequestParam(name = "maxWaitMs", required = false) String maxWaitMs,
                                ServerHttpResponse response) {
        return Mono.defer(() -> {
            int bytes = (int) Math.min(limits.maxFetchBytes(), RequestParams.longValue("maxBytes", maxBytes,
                    limits.defaultFetchBytes(), 1, Integer.MAX_VALUE));
            long waitMs = Math.min(limits.maxWait().toMillis(), RequestParams.longValue("maxWaitMs", maxWaitMs,
                    0, 0, Long.MAX_VALUE));
            PartitionLog log = fetchService.partition(topic, partition);
            long from = OffsetSpec.parse(offset, OffsetSpec.EARLIEST).resolve(log);
            return fetchService.fetch(topic, partition, from, bytes, Duration.ofMillis(waitMs))
                    .flatMap(slice -> fetchService.decodeAsync(slice).map(records -> {
                        List<CloudEvent> events = new ArrayList<>(records.size());
                        for (Record record : records) {
                            if (record.offset() >= from) {
                                events.add(CloudEventKafkaMapping.fromRecord(topic, partition, record));
                            }
                        }
                        HttpHeaders headers = response.getHeaders();
                        headers.set(BackboneHeaders.LOG_START_OFFSET, Long.toString(log.logStartOffset()));
                        headers.set(BackboneHeaders.END_OFFSET, Long.toString(log.logEndOffset()));
                        headers.set(BackboneHeaders.NEXT_OFFSET,
                                Long.toString(slice.isEmpty() ? from : slice.nextOffset()));
                        return json.writeBatch(events);
                    }));
        });
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
