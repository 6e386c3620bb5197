package dev.backbone.server.http.cloudevents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.backbone.client.batch.Record;
import dev.backbone.server.http.BackboneHeaders;
import dev.backbone.server.http.FetchService;
import dev.backbone.server.http.HttpLimits;
import dev.backbone.server.http.OffsetSpec;
import dev.backbone.server.http.RequestParams;
import dev.backbone.server.log.PartitionLog;
import reactor.core.publisher.Mono;

/**
 * Consume as CloudEvents: {@code GET /v1/topics/{topic}/partitions/{p}/records} with
 * {@code Accept: application/cloudevents-batch+json} answers, like the JSON consume (offset, maxBytes, maxWaitMs,
 * long poll, offset headers), a JSON array of structured CloudEvents. Records stored from CloudEvents come back as
 * they were sent; other records are rendered as synthesized events (see {@link CloudEventKafkaMapping}).
 *
 * <p>It is a functional route whose predicate requires the CloudEvents batch type to be named in {@code Accept}:
 * a client that accepts anything ({@code *}{@code /*}, or no Accept) keeps getting the plain JSON consume.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
public final class CloudEventsConsumeHandler {

    public static final String PATH = "/v1/topics/{topic}/partitions/{partition}/records";
    private static final MediaType BATCH = MediaType.parseMediaType(CloudEventJson.BATCH_MEDIA_TYPE);

    private final FetchService fetchService;
    private final HttpLimits limits;
    private final CloudEventJson json;

    public CloudEventsConsumeHandler(FetchService fetchService, HttpLimits limits, CloudEventJson json) {
        this.fetchService = fetchService;
        this.limits = limits;
        this.json = json;
    }

    /** True when the request names the CloudEvents batch type in Accept (with a quality above 0). */
    public static RequestPredicate acceptsCloudEventsBatch() {
        return request -> request.headers().accept().stream()
                .anyMatch(type -> type.equalsTypeAndSubtype(BATCH) && type.getQualityValue() > 0);
    }

    public Mono<ServerResponse> consume(ServerRequest request) {
        return Mono.defer(() -> {
            String topic = request.pathVariable("topic");
            String partitionText = request.pathVariable("partition");
            int partition = (int) RequestParams.longValue("partition", partitionText, 0, 0, Integer.MAX_VALUE);
            int bytes = (int) Math.min(limits.maxFetchBytes(), RequestParams.longValue("maxBytes",
                    request.queryParam("maxBytes").orElse(null), limits.defaultFetchBytes(), 1, Integer.MAX_VALUE));
            long waitMs = Math.min(limits.maxWait().toMillis(), RequestParams.longValue("maxWaitMs",
                    request.queryParam("maxWaitMs").orElse(null), 0, 0, Long.MAX_VALUE));
            PartitionLog log = fetchService.partition(topic, partition);
            long from = OffsetSpec.parse(request.queryParam("offset").orElse(null), OffsetSpec.EARLIEST).resolve(log);
            return fetchService.fetch(topic, partition, from, bytes, Duration.ofMillis(waitMs))
                    .flatMap(slice -> fetchService.decodeAsync(slice).flatMap(records -> {
                        List<CloudEvent> events = new ArrayList<>(records.size());
                        for (Record record : records) {
                            if (record.offset() >= from) {
                                events.add(CloudEventKafkaMapping.fromRecord(topic, partition, record));
                            }
                        }
                        return ServerResponse.ok()
                                .contentType(BATCH)
                                .header(BackboneHeaders.LOG_START_OFFSET, Long.toString(log.logStartOffset()))
                                .header(BackboneHeaders.END_OFFSET, Long.toString(log.logEndOffset()))
                                .header(BackboneHeaders.NEXT_OFFSET,
                                        Long.toString(slice.isEmpty() ? from : slice.nextOffset()))
                                .bodyValue(json.writeBatch(events));
                    }));
        });
    }
}
