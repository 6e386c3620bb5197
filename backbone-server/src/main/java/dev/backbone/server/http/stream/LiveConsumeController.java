package dev.backbone.server.http.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.backbone.server.error.ProblemMapper;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.error.ProblemWebExceptionHandler;
import dev.backbone.server.http.BackboneHeaders;
import dev.backbone.server.http.FetchService;
import dev.backbone.server.http.OffsetSpec;
import dev.backbone.server.http.ProblemResponses;
import dev.backbone.server.http.RequestParams;
import dev.backbone.server.http.cloudevents.CloudEventJson;
import dev.backbone.server.log.OffsetOutOfRangeException;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.metrics.BackboneMetrics;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Live consume: one partition followed as a never-ending response, as Server-Sent Events or as NDJSON (see
 * {@link LiveStreamFormat}), until the client goes away.
 *
 * <p>The start is checked before the response begins, so an unknown topic or an offset outside the log is an
 * ordinary problem answer; later failures (the topic deleted, retention overtaking a slow reader) end the stream
 * with an error message in its own framing. Heartbeats keep idle streams open through proxies.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
@RestController
@RequestMapping("/v1/topics/{topic}/partitions/{partition}")
@Tag(name = "Consume", description = "Read records and look up offsets")
public class LiveConsumeController {

    private final FetchService fetchService;
    private final RecordFollower follower;
    private final ProblemMapper problemMapper;
    private final CloudEventJson cloudEventJson;
    private final Duration heartbeat;
    private final BackboneMetrics metrics;

    public LiveConsumeController(FetchService fetchService, RecordFollower follower, ProblemMapper problemMapper,
                                 CloudEventJson cloudEventJson, LiveStreamSettings settings, BackboneMetrics metrics) {
        this.metrics = metrics;
        this.fetchService = fetchService;
        this.follower = follower;
        this.problemMapper = problemMapper;
        this.cloudEventJson = cloudEventJson;
        this.heartbeat = settings.heartbeat();
    }

    @GetMapping(path = "/records", produces = {MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.APPLICATION_NDJSON_VALUE})
    @Operation(summary = "Follow a partition live (SSE or NDJSON)",
            description = "With Accept: text/event-stream, one SSE event per record (id: <offset>, event: record,"
                    + " data: the record's consume JSON), resumable with Last-Event-ID (the stream restarts after"
                    + " that offset; it wins over offset). With Accept: application/x-ndjson, one JSON record per"
                    + " line. The stream follows the log until the client goes away; idle streams carry heartbeats"
                    + " (SSE comments, empty NDJSON lines). format=cloudevents sends SSE events as structured"
                    + " CloudEvents (event: cloudevent). Accept: application/cloudevents-batch+json (named"
                    + " explicitly) answers one fetch as a JSON array of structured CloudEvents instead.")
    @ProblemResponses({ProblemType.UNKNOWN_TOPIC, ProblemType.UNKNOWN_PARTITION, ProblemType.OFFSET_OUT_OF_RANGE,
            ProblemType.INVALID_PARAMETER})
    public Mono<Void> follow(@PathVariable("topic") String topic, @PathVariable("partition") int partition,
                             @Parameter(description = "a number, earliest or latest; earliest when absent")
                             @RequestParam(name = "offset", required = false) String offset,
                             @Parameter(description = "record (the default) or cloudevents")
                             @RequestParam(name = "format", required = false) String format,
                             @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                             ServerHttpRequest request, ServerHttpResponse response) {
        return Mono.defer(() -> {
            boolean sse = prefersEventStream(request.getHeaders().getAccept());
            boolean cloudEvents = cloudEvents(format);
            PartitionLog log = fetchService.partition(topic, partition);
            long from = lastEventId != null && !lastEventId.isBlank()
                    ? RequestParams.longValue("Last-Event-ID", lastEventId, 0, -1, Long.MAX_VALUE - 1) + 1
                    : OffsetSpec.parse(offset, OffsetSpec.EARLIEST).resolve(log);
            long start = log.logStartOffset();
            long end = log.logEndOffset();
            if (from < start || from > end) {
                throw new OffsetOutOfRangeException(log.topicPartition(), from, start, end);
            }
            LiveStreamFormat wire = new LiveStreamFormat(sse, cloudEvents, cloudEventJson);
            HttpHeaders headers = response.getHeaders();
            headers.setContentType(sse ? MediaType.TEXT_EVENT_STREAM : MediaType.APPLICATION_NDJSON);
            headers.setCacheControl("no-cache");
            // Tells nginx-style proxies not to buffer the stream.
            headers.set("X-Accel-Buffering", "no");
            headers.set(BackboneHeaders.LOG_START_OFFSET, Long.toString(start));
            headers.set(BackboneHeaders.END_OFFSET, Long.toString(end));
            headers.set(BackboneHeaders.NEXT_OFFSET, Long.toString(from));
            String instance = request.getPath().value();
            DataBufferFactory buffers = response.bufferFactory();
            Flux<byte[]> records = follower.follow(topic, partition, from)
                    .map(chunk -> {
                        metrics.recordFetch(topic, chunk.records().size(), chunk.batchBytes(), chunk.nanos());
                        return wire.records(topic, partition, chunk.records());
                    })
                    .onErrorResume(error -> Mono.just(wire.error(
                            ProblemWebExceptionHandler.toBody(problemMapper.map(error, instance)))));
            Flux<byte[]> withHeartbeats = Heartbeats.merge(records, heartbeat, wire.heartbeat());
            return response.writeAndFlushWith(withHeartbeats.map(bytes -> Mono.just(wrap(buffers, bytes))));
        });
    }

    private static DataBuffer wrap(DataBufferFactory buffers, byte[] bytes) {
        return buffers.wrap(bytes);
    }

    private static boolean cloudEvents(String format) {
        if (format == null || format.isEmpty() || format.equalsIgnoreCase("record")) {
            return false;
        }
        if (format.toLowerCase(Locale.ROOT).equals("cloudevents")) {
            return true;
        }
        throw RequestParams.invalid("format", format, "'record' or 'cloudevents'");
    }

    /** Whether SSE ranks above NDJSON among what the client accepts. */
    static boolean prefersEventStream(List<MediaType> accept) {
        List<MediaType> sorted = new ArrayList<>(accept);
        sorted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        for (MediaType type : sorted) {
            if (MediaType.TEXT_EVENT_STREAM.equalsTypeAndSubtype(type)) {
                return true;
            }
            if (MediaType.APPLICATION_NDJSON.equalsTypeAndSubtype(type)) {
                return false;
            }
        }
        return true;
    }
}
