package dev.backbone.server.http;

import dev.backbone.server.error.ProblemType;
import dev.backbone.server.http.idempotency.IdempotentRequests;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Produce endpoints: JSON records to a topic (the broker picks partitions) or to one partition, and binary record
 * batches to one partition. Bodies are gathered with a size limit before anything is parsed, so an oversized body
 * is refused without being held.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
@RestController
@RequestMapping(path = "/v1/topics/{topic}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Produce", description = "Append records")
public class ProduceController {

    /** The answer to a JSON produce: every record's partition and offset, in request order. */
    public record ProduceResponse(List<RecordOffset> offsets) {
    }

    /** The answer to a binary produce: the base offset of each batch, in request order. */
    public record BatchProduceResponse(int partition, List<Long> baseOffsets, long firstOffset, long lastOffset,
                                       int recordCount) {
    }

    private final ProduceService produceService;
    private final HttpLimits limits;
    private final IdempotentRequests idempotency;
    private final JsonProduce jsonProduce;

    public ProduceController(ProduceService produceService, HttpLimits limits, IdempotentRequests idempotency,
                             JsonProduce jsonProduce) {
        this.produceService = produceService;
        this.limits = limits;
        this.idempotency = idempotency;
        this.jsonProduce = jsonProduce;
    }

    @PostMapping(path = "/records", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Produce JSON records",
            description = "Body {\"records\": [{\"key\", \"value\", \"headers\", \"partition\", \"timestamp\"}]};"
                    + " key, headers, partition and timestamp are optional. Keyed records go to"
                    + " murmur2(key) mod partitions, unkeyed ones round-robin. All records for one partition are"
                    + " appended atomically. A missing topic is created when auto-creation is on.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(example = "{\"records\": [{\"key\": \"order-7\", \"value\": {\"total\": 12.5},"
                            + " \"headers\": {\"source\": \"checkout\"}}]}"))))
    @ProblemResponses({ProblemType.MALFORMED_JSON, ProblemType.RECORD_TOO_LARGE, ProblemType.REQUEST_TOO_LARGE,
            ProblemType.UNKNOWN_TOPIC, ProblemType.UNKNOWN_PARTITION, ProblemType.INVALID_PARAMETER,
            ProblemType.INVALID_TOPIC, ProblemType.INSUFFICIENT_STORAGE, ProblemType.DURABILITY_UNKNOWN,
            ProblemType.INTERNAL_TOPIC, ProblemType.IDEMPOTENCY_KEY_REUSED})
    public Mono<ProduceResponse> produceJson(
            @PathVariable("topic") String topic,
            @Parameter(description = "none or sync: overrides the topic's flush mode for this request")
            @RequestParam(name = "flush", required = false) String flush,
            ServerHttpRequest request, ServerHttpResponse response) {
        return produceJson(topic, flush, request, response, records -> records);
    }

    @PostMapping(path = "/partitions/{partition}/records", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Produce JSON records to one partition",
            description = "As the topic-level JSON produce, with every record in the given partition; all of them"
                    + " are appended atomically.")
    @ProblemResponses({ProblemType.MALFORMED_JSON, ProblemType.RECORD_TOO_LARGE, ProblemType.REQUEST_TOO_LARGE,
            ProblemType.UNKNOWN_TOPIC, ProblemType.UNKNOWN_PARTITION, ProblemType.INVALID_PARAMETER,
            ProblemType.INVALID_TOPIC, ProblemType.INSUFFICIENT_STORAGE, ProblemType.DURABILITY_UNKNOWN,
            ProblemType.INTERNAL_TOPIC, ProblemType.IDEMPOTENCY_KEY_REUSED})
    public Mono<ProduceResponse> produceJsonToPartition(
            @PathVariable("topic") String topic,
            @PathVariable("partition") int partition,
            @RequestParam(name = "flush", required = false) String flush,
            ServerHttpRequest request, ServerHttpResponse response) {
        return produceJson(topic, flush, request, response, records -> inPartition(records, partition));
    }

    private Mono<ProduceResponse> produceJson(String topic, String flush, ServerHttpRequest request,
                                              ServerHttpResponse response,
                                              UnaryOperator<List<ProducedRecord>> placement) {
        return jsonProduce.produce(topic, flush, request, response, placement);
    }

    @PostMapping(path = "/partitions/{partition}/records", consumes = BackboneMediaTypes.BATCH_VALUE)
    @Operation(summary = "Produce record batches",
            description = "Body: one or more Kafka RecordBatch v2 batches back to back (magic 2, uncompressed or"
                    + " compressed with gzip, snappy, lz4 or zstd). They are validated (CRC-32C, framing, records,"
                    + " decompressed within 64 MiB) and appended as they are; only base offsets and leader epochs are"
                    + " rewritten. All batches are appended atomically.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    mediaType = BackboneMediaTypes.BATCH_VALUE,
                    schema = @Schema(type = "string", format = "binary"))))
    @ProblemResponses({ProblemType.MALFORMED_BATCH, ProblemType.CORRUPT_BATCH, ProblemType.UNSUPPORTED_BATCH,
            ProblemType.BATCH_TOO_LARGE, ProblemType.REQUEST_TOO_LARGE, ProblemType.UNKNOWN_TOPIC,
            ProblemType.UNKNOWN_PARTITION, ProblemType.INVALID_PARAMETER, ProblemType.INVALID_TOPIC,
            ProblemType.INSUFFICIENT_STORAGE, ProblemType.DURABILITY_UNKNOWN,
            ProblemType.INTERNAL_TOPIC, ProblemType.IDEMPOTENCY_KEY_REUSED,
            ProblemType.OUT_OF_ORDER_SEQUENCE, ProblemType.PRODUCER_FENCED})
    public Mono<BatchProduceResponse> produceBatches(
            @PathVariable("topic") String topic,
            @PathVariable("partition") int partition,
            @RequestParam(name = "flush", required = false) String flush,
            ServerHttpRequest request, ServerHttpResponse response) {
        return Mono.defer(() -> {
            var flushMode = RequestParams.flush(flush);
            return BodyReader.readDirect(request, limits.maxRequestBytes())
                    .flatMap((ByteBuffer body) -> idempotency.apply(request, response, topic, body,
                            () -> produceService.appendBatchesIdempotent(topic, partition, body, flushMode)))
                    .map(idempotent -> {
                        if (idempotent.duplicate()) {
                            response.getHeaders().set(IdempotentRequests.REPLAYED_HEADER, "true");
                        }
                        return idempotent.appended();
                    })
                    .map(result -> {
                        List<Long> bases = new ArrayList<>(result.batchBaseOffsets().length);
                        for (long base : result.batchBaseOffsets()) {
                            bases.add(base);
                        }
                        return new BatchProduceResponse(partition, bases, result.firstOffset(), result.lastOffset(),
                                result.recordCount());
                    });
        });
    }

    private static List<ProducedRecord> inPartition(List<ProducedRecord> records, int partition) {
        List<ProducedRecord> placed = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ProducedRecord r = records.get(i);
            if (r.partition() != null && r.partition() != partition) {
                throw RequestParams.invalid("records[" + i + "].partition", r.partition().toString(),
                        "absent or " + partition + ", the partition in the path");
            }
            placed.add(r.with(partition, r.key()));
        }
        return placed;
    }
}
