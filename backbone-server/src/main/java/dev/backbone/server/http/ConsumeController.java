package dev.backbone.server.http;

import dev.backbone.client.batch.Record;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.metrics.BackboneMetrics;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ZeroCopyHttpOutputMessage;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consume endpoints: one partition's records from an offset, as the stored batches (zero copy: the file region
 * goes to the socket with sendfile; on a TLS connection read in large chunks, see {@link SliceChunks}) or as
 * JSON, with long poll; and offset lookups.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
@RestController
@RequestMapping("/v1/topics/{topic}/partitions/{partition}")
@Tag(name = "Consume", description = "Read records and look up offsets")
public class ConsumeController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The answer to an offset lookup.
     *
     * @param offset      the first offset whose record time is at or after {@code timestamp}, or the end offset
     *                    when there is none yet
     * @param timestamp   the time asked for, or null
     * @param startOffset the log start offset
     * @param endOffset   the log end offset
     */
    public record OffsetsResponse(int partition, Long offset, Long timestamp, long startOffset, long endOffset) {
    }

    private final FetchService fetchService;
    private final HttpLimits limits;
    private final BackboneMetrics metrics;
    private final Scheduler readScheduler;

    public ConsumeController(FetchService fetchService, HttpLimits limits, BackboneMetrics metrics,
                             ReadScheduler readScheduler) {
        this.fetchService = fetchService;
        this.limits = limits;
        this.metrics = metrics;
        this.readScheduler = readScheduler.scheduler();
    }

    @GetMapping(path = "/records", produces = {MediaType.APPLICATION_JSON_VALUE, BackboneMediaTypes.BATCH_VALUE})
    @Operation(summary = "Consume records",
            description = "Records from offset on, at most maxBytes (but always at least one whole batch). With"
                    + " Accept: application/vnd.backbone.batch the stored batches are sent as they are, straight"
                    + " from the file (sendfile); otherwise JSON. When offset is the end of the log the request"
                    + " waits up to maxWaitMs for records and answers as soon as one arrives. Headers"
                    + " Backbone-Log-Start-Offset, Backbone-End-Offset and Backbone-Next-Offset come with every"
                    + " answer.")
    @ApiResponse(responseCode = "200", description = "Records (possibly none after a long poll)", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(example = "{\"records\":"
                    + " [{\"offset\": 0, \"timestamp\": 1767225600000, \"key\": \"order-7\", \"value\":"
                    + " {\"total\": 12.5}, \"headers\": {}}], \"nextOffset\": 1, \"endOffset\": 1}")),
            @Content(mediaType = BackboneMediaTypes.BATCH_VALUE, schema = @Schema(type = "string",
                    format = "binary"))})
    @ProblemResponses({ProblemType.UNKNOWN_TOPIC, ProblemType.UNKNOWN_PARTITION, ProblemType.OFFSET_OUT_OF_RANGE,
            ProblemType.INVALID_PARAMETER})
    public Mono<Void> consume(
            @PathVariable("topic") String topic,
            @PathVariable("partition") int partition,
            @Parameter(description = "a number, earliest or latest; earliest when absent")
            @RequestParam(name = "offset", required = false) String offset,
            @Parameter(description = "the most bytes of batches to return; at least one batch is always returned")
            @RequestParam(name = "maxBytes", required = false) String maxBytes,
            @Parameter(description = "how long to wait for records when there are none yet, 0 by default;"
                    + " capped by backbone.long-poll.max-wait")
            @RequestParam(name = "maxWaitMs", required = false) String maxWaitMs,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            OffsetSpec spec = OffsetSpec.parse(offset, OffsetSpec.EARLIEST);
            int bytes = (int) Math.min(limits.maxFetchBytes(), RequestParams.longValue("maxBytes", maxBytes,
                    limits.defaultFetchBytes(), 1, Integer.MAX_VALUE));
            long waitMs = Math.min(limits.maxWait().toMillis(), RequestParams.longValue("maxWaitMs", maxWaitMs,
                    0, 0, Long.MAX_VALUE));
            boolean binary = wantsBatches(request.getHeaders().getAccept());
            PartitionLog log = fetchService.partition(topic, partition);
            long from = spec.resolve(log);
            return fetchService.fetch(topic, partition, from, bytes, Duration.ofMillis(waitMs))
                    .flatMap(slice -> binary
                            ? writeBatches(topic, log, slice, request, response, started)
                            : writeJson(topic, log, from, slice, response, started));
        });
    }

    @GetMapping(path = "/offsets", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Look up offsets",
            description = "Without timestamp: the start and end offsets. With timestamp (epoch milliseconds): also"
                    + " the first offset whose record time is at or after it, from the time index; the end offset"
                    + " when no record is that recent yet.")
    @ProblemResponses({ProblemType.UNKNOWN_TOPIC, ProblemType.UNKNOWN_PARTITION, ProblemType.INVALID_PARAMETER})
    public Mono<OffsetsResponse> offsets(
            @PathVariable("topic") String topic,
            @PathVariable("partition") int partition,
            @Parameter(description = "epoch milliseconds")
            @RequestParam(name = "timestamp", required = false) String timestamp) {
        return Mono.defer(() -> {
            PartitionLog log = fetchService.partition(topic, partition);
            if (timestamp == null || timestamp.isEmpty()) {
                return Mono.just(new OffsetsResponse(partition, null, null, log.logStartOffset(),
                        log.logEndOffset()));
            }
            long time = RequestParams.longValue("timestamp", timestamp, 0, 0, Long.MAX_VALUE);
            return Mono.fromCallable(() -> {
                long end = log.logEndOffset();
                OptionalLong found = log.offsetForTimestamp(time);
                return new OffsetsResponse(partition, found.orElse(end), time, log.logStartOffset(), end);
            }).subscribeOn(readScheduler);
        });
    }

    private Mono<Void> writeBatches(String topic, PartitionLog log, LogSlice slice, ServerHttpRequest request,
                                    ServerHttpResponse response, long started) {
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(BackboneMediaTypes.BATCH);
        offsetHeaders(headers, log, slice.nextOffset());
        headers.setContentLength(slice.sizeBytes());
        metrics.recordFetch(topic, slice.nextOffset() - slice.firstOffset(), slice.sizeBytes(),
                System.nanoTime() - started);
        if (slice.isEmpty()) {
            return response.setComplete();
        }
        if (request.getSslInfo() != null) {
            // TLS: the bytes must be encrypted in the JVM, so no sendfile; large chunks keep TLS records full.
            return response.writeWith(SliceChunks.read(slice, response.bufferFactory(), readScheduler));
        }
        // Reactor Netty sends the region with sendfile; the bytes never enter the JVM heap.
        return ((ZeroCopyHttpOutputMessage) response).writeWith(slice.currentFile(), slice.position(),
                slice.sizeBytes());
    }

    private Mono<Void> writeJson(String topic, PartitionLog log, long from, LogSlice slice,
                                 ServerHttpResponse response, long started) {
        return fetchService.decodeAsync(slice).flatMap(records -> {
            long next = slice.isEmpty() ? from : slice.nextOffset();
            ByteArrayOutputStream body = new ByteArrayOutputStream(Math.max(256, slice.sizeBytes() * 2));
            int count = 0;
            long endOffset = log.logEndOffset();
            try (JsonGenerator out = JSON.createGenerator(body)) {
                out.writeStartObject();
                out.writeName("records");
                out.writeStartArray();
                for (Record record : records) {
                    if (record.offset() >= from) {
                        RecordJson.write(out, record);
                        count++;
                    }
                }
                out.writeEndArray();
                out.writeNumberProperty("nextOffset", next);
                out.writeNumberProperty("endOffset", endOffset);
                out.writeEndObject();
            }
            HttpHeaders headers = response.getHeaders();
            headers.setContentType(MediaType.APPLICATION_JSON);
            offsetHeaders(headers, log, next);
            byte[] bytes = body.toByteArray();
            headers.setContentLength(bytes.length);
            metrics.recordFetch(topic, count, slice.sizeBytes(), System.nanoTime() - started);
            return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
        });
    }

    private static void offsetHeaders(HttpHeaders headers, PartitionLog log, long nextOffset) {
        headers.set(BackboneHeaders.LOG_START_OFFSET, Long.toString(log.logStartOffset()));
        headers.set(BackboneHeaders.END_OFFSET, Long.toString(log.logEndOffset()));
        headers.set(BackboneHeaders.NEXT_OFFSET, Long.toString(nextOffset));
    }

    /** Whether the client prefers raw batches: the batch type ranks above JSON among what it accepts. */
    static boolean wantsBatches(List<MediaType> accept) {
        List<MediaType> sorted = new ArrayList<>(accept);
        // Stable: among equal qualities the client's order decides.
        sorted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        for (MediaType type : sorted) {
            if (type.isWildcardType() || type.isWildcardSubtype()) {
                return false;
            }
            if (type.isCompatibleWith(BackboneMediaTypes.BATCH)) {
                return true;
            }
            if (type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
                return false;
            }
        }
        return false;
    }
}
