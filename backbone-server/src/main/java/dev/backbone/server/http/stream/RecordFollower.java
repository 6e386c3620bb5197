package dev.backbone.server.http.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.backbone.client.batch.Record;
import dev.backbone.server.http.FetchService;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Follows one partition from an offset for as long as the subscriber wants: a chain of long polls, each answered
 * as soon as records arrive, each picking up at the previous one's next offset.
 *
 * <p>Only one poll is in flight per subscriber, and the next starts only when the subscriber asks for more, so a
 * slow client holds at most one fetch's worth of decoded records. Cancelling (the client went away) cancels the
 * poll in flight, which releases its long-poll waiter at once.
 *
 * <p>Thread safety: thread-safe; each subscription has its own position.
 */
public final class RecordFollower {

    /**
     * What one poll brought.
     *
     * @param records    the records at or after the position, in order, never empty
     * @param batchBytes the size of the batches read
     * @param nanos      how long the read and decode took (not counting the wait for data)
     */
    public record Chunk(List<Record> records, int batchBytes, long nanos) {
    }

    private final FetchService fetchService;
    private final Duration pollWait;
    private final int fetchBytes;

    public RecordFollower(FetchService fetchService, Duration pollWait, int fetchBytes) {
        this.fetchService = fetchService;
        this.pollWait = pollWait;
        this.fetchBytes = fetchBytes;
    }

    /**
     * The records of {@code partition} from {@code from} on, in chunks (one per fetch, never empty), without end.
     * Fails when the topic goes away or the position falls out of the log (retention overtook a slow reader).
     */
    public Flux<Chunk> follow(String topic, int partition, long from) {
        return Flux.defer(() -> {
            long[] next = {from};
            return Mono.defer(() -> fetchService.fetch(topic, partition, next[0], fetchBytes, pollWait)
                            .flatMap(slice -> {
                                if (slice.isEmpty()) {
                                    return Mono.just(new Chunk(List.of(), 0, 0));
                                }
                                long started = System.nanoTime();
                                return fetchService.decodeAsync(slice).map(records -> {
                                    List<Record> fresh = new ArrayList<>(records.size());
                                    for (Record record : records) {
                                        if (record.offset() >= next[0]) {
                                            fresh.add(record);
                                        }
                                    }
                                    next[0] = Math.max(next[0], slice.nextOffset());
                                    return new Chunk(fresh, slice.sizeBytes(), System.nanoTime() - started);
                                });
                            }))
                    .repeat()
                    .filter(chunk -> !chunk.records().isEmpty());
        });
    }
}
