package dev.backbone.spring.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.client.http.FetchResult;
import dev.backbone.client.http.OffsetOutOfRangeException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads several partitions at once in the binary format, without waiting for records: one request per partition,
 * all in parallel, each answered with the batches as they lie on the broker's disk and decoded by the client. This
 * is the container's fast path while records flow; the group fetch (one long poll over all partitions, answered in
 * JSON) only wakes an idle member.
 *
 * <p>Thread-safe and stateless.
 */
final class PartitionFetches {

    /** Where one partition's read starts. */
    record Start(TopicPartition partition, long offset) {
    }

    /**
     * One partition's answer: its records from {@code start}, or the range error when {@code start} lies outside
     * the log (retention removed it): then {@code result} is null.
     */
    record Answer(Start start, FetchResult result, OffsetOutOfRangeException outOfRange) {
    }

    private final BackboneClient client;

    private final FetchOptions options;

    /**
     * @param maxBytes most bytes asked of each partition (the broker sends at least one whole batch)
     */
    PartitionFetches(BackboneClient client, int maxBytes) {
        this.client = client;
        this.options = new FetchOptions(maxBytes, Duration.ZERO);
    }

    /**
     * Starts the reads; the future completes with one answer per start, in no particular order, or fails with the
     * first error other than a range error. Cancelling it cancels the reads still in flight.
     */
    CompletableFuture<List<Answer>> fetch(List<Start> starts) {
        return Flux.fromIterable(starts)
                .flatMap(this::fetchOne, Math.max(1, starts.size()))
                .collectList()
                .toFuture();
    }

    private Mono<Answer> fetchOne(Start start) {
        return client.fetch(start.partition().topic(), start.partition().partition(), start.offset(), options)
                .map(result -> new Answer(start, result, null))
                .onErrorResume(OffsetOutOfRangeException.class, e -> Mono.just(new Answer(start, null, e)));
    }
}
