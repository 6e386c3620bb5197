package dev.backbone.server.http;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchDecoder;
import dev.backbone.server.log.LogClosedException;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicRegistry;
import dev.backbone.server.topic.UnknownTopicException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Reads a partition for a consumer: a slice of whole batches from the offset on, or, when the offset is the end of
 * the log, a long poll that parks (no thread) until an append passes it or the wait ends.
 *
 * <p>Reads run on the read scheduler, never on the event loop: an index lookup and a few positional reads are
 * usually served from the page cache, but a cold segment can block on the disk.
 *
 * <p>Thread safety: thread-safe.
 */
public final class FetchService {

    private final TopicRegistry registry;
    private final LongPollWaiters waiters;
    private final Scheduler readScheduler;

    public FetchService(TopicRegistry registry, LongPollWaiters waiters, Scheduler readScheduler) {
        this.registry = registry;
        this.waiters = waiters;
        this.readScheduler = readScheduler;
    }

    /**
     * The batches from the one holding {@code offset}, up to {@code maxBytes} (at least one whole batch), or an
     * empty slice when none arrived within {@code maxWait}.
     *
     * @throws dev.backbone.server.topic.UnknownTopicException     (as the Mono's error) for an unknown topic
     * @throws dev.backbone.server.topic.UnknownPartitionException for an unknown partition
     * @throws dev.backbone.server.log.OffsetOutOfRangeException   when {@code offset} is outside the log
     */
    public Mono<LogSlice> fetch(String topic, int partition, long offset, int maxBytes, Duration maxWait) {
        return Mono.defer(() -> {
            Topic t = registry.require(topic);
            PartitionLog log = t.partition(partition);
            return read(t, log, offset, maxBytes).flatMap(slice -> {
                if (!slice.isEmpty() || maxWait.isZero()) {
                    return Mono.just(slice);
                }
                return waiters.await(log, offset, maxWait).flatMap(arrived -> arrived
                        ? read(t, log, offset, maxBytes)
                        : Mono.fromCallable(() -> stillThere(t, slice)));
            });
        });
    }

    /**
     * Reads the batches from the one holding {@code offset}, up to {@code maxBytes} (at least one whole batch),
     * without waiting, and decodes them in the same task on the read scheduler: one thread hand-over instead of
     * two, which a fetch woken by an append feels as latency.
     *
     * @throws dev.backbone.server.topic.UnknownTopicException     (as the Mono's error) for an unknown topic
     * @throws dev.backbone.server.topic.UnknownPartitionException for an unknown partition
     * @throws dev.backbone.server.log.OffsetOutOfRangeException   when {@code offset} is outside the log
     */
    public Mono<DecodedSlice> fetchDecoded(String topic, int partition, long offset, int maxBytes) {
        return Mono.defer(() -> {
            Topic t = registry.require(topic);
            PartitionLog log = t.partition(partition);
            return Mono.fromCallable(() -> {
                LogSlice slice = readNow(t, log, offset, maxBytes);
                return new DecodedSlice(slice, decode(slice));
            }).subscribeOn(readScheduler);
        });
    }

    /** A slice and its records, every one from the slice's first batch on. */
    public record DecodedSlice(LogSlice slice, List<Record> records) {
    }

    /** The partition's log, for answer headers. */
    public PartitionLog partition(String topic, int partition) {
        return registry.partition(topic, partition);
    }

    /**
     * Reads {@code slice}'s bytes from its file and decodes every record in it, including records below the
     * offset that was asked for (a slice starts at a batch boundary): skipping them is the caller's job. Blocks.
     */
    public List<Record> decode(LogSlice slice) throws IOException {
        if (slice.isEmpty()) {
            return List.of();
        }
        ByteBuffer bytes = ByteBuffer.allocate(slice.sizeBytes());
        try (FileChannel channel = slice.openChannel()) {
            long position = slice.position();
            while (bytes.hasRemaining()) {
                int read = channel.read(bytes, position);
                if (read < 0) {
                    throw new EOFException("segment " + slice.segmentFile() + " ended at byte " + position
                            + " inside a slice of " + slice.sizeBytes() + " bytes from " + slice.position());
                }
                position += read;
            }
        }
        return RecordBatchDecoder.decodeAll(bytes.flip());
    }

    /** {@link #decode} on the read scheduler. */
    public Mono<List<Record>> decodeAsync(LogSlice slice) {
        return Mono.fromCallable(() -> decode(slice)).subscribeOn(readScheduler);
    }

    /** A wait that ended without data may have ended because the topic was deleted: say so. */
    private LogSlice stillThere(Topic topic, LogSlice slice) {
        if (registry.find(topic.name()).orElse(null) != topic) {
            throw new UnknownTopicException(topic.name());
        }
        return slice;
    }

    private Mono<LogSlice> read(Topic topic, PartitionLog log, long offset, int maxBytes) {
        return Mono.fromCallable(() -> readNow(topic, log, offset, maxBytes)).subscribeOn(readScheduler);
    }

    private LogSlice readNow(Topic topic, PartitionLog log, long offset, int maxBytes) throws IOException {
        try {
            return log.read(offset, maxBytes);
        } catch (LogClosedException e) {
            if (registry.find(topic.name()).orElse(null) != topic) {
                throw new UnknownTopicException(topic.name());
            }
            throw e;
        }
    }
}
