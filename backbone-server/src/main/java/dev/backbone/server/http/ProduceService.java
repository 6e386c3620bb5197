package dev.backbone.server.http;

import dev.backbone.client.Murmur2Partitioner;
import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.http.idempotency.IdempotentBatchAppender;
import dev.backbone.server.http.idempotency.IdempotentRequests;
import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.AppendRequestId;
import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogClosedException;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.metrics.BackboneMetrics;
import dev.backbone.server.topic.InternalTopicException;
import dev.backbone.server.topic.StorageGuard;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicRegistry;
import dev.backbone.server.topic.UnknownPartitionException;
import dev.backbone.server.topic.UnknownTopicException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Appends produced records: picks partitions, builds one append per partition, runs it on the bounded append
 * scheduler, and answers with every record's offset in request order.
 *
 * <p>Partitioning follows Kafka's default: an explicit partition wins, a keyed record goes to
 * {@code toPositive(murmur2(key)) % partitions}, and unkeyed records are spread round-robin per topic. All of one
 * request's records for one partition go into one {@link PartitionLog#append} call (split into several batches
 * only when they exceed the batch limit), so they are appended together or not at all; different partitions are
 * appended in parallel and independently. Nothing is appended before the whole request has been checked (sizes,
 * partitions, free space), so a refused request changes nothing.
 *
 * <p>Thread safety: thread-safe.
 */
public final class ProduceService {

    private final TopicRegistry registry;
    private final StorageGuard storageGuard;
    private final Scheduler appendScheduler;
    private final HttpLimits limits;
    private final BackboneMetrics metrics;
    private final Clock clock;
    private final IdempotentBatchAppender producerState;
    private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

    public ProduceService(TopicRegistry registry, StorageGuard storageGuard, Scheduler appendScheduler,
                          HttpLimits limits, BackboneMetrics metrics, Clock clock,
                          IdempotentBatchAppender producerState) {
        this.registry = registry;
        this.storageGuard = storageGuard;
        this.appendScheduler = appendScheduler;
        this.limits = limits;
        this.metrics = metrics;
        this.clock = clock;
        this.producerState = producerState;
    }

    /**
     * Appends {@code records} to {@code topic}, creating it if allowed.
     *
     * @param flushOverride the acknowledgement mode for this request, or null for the topic's
     */
    public Mono<List<RecordOffset>> produce(String topic, List<ProducedRecord> records, FlushMode flushOverride) {
        return Mono.deferContextual(context -> {
            long started = System.nanoTime();
            checkRecords(records);
            storageGuard.checkWritable();
            AppendRequestId requestId = IdempotentRequests.requestId(context);
            return topic(topic).flatMap(t -> appendAll(t, records, flushOverride, started, requestId));
        });
    }

    /**
     * Appends {@code records} to one partition as one atomic append guarded by {@code precondition}, which runs
     * under the partition's append lock with the offset the first record will get (key streams use it for
     * optimistic concurrency). The topic must exist.
     */
    public Mono<List<RecordOffset>> produce(String topic, int partition, List<ProducedRecord> records,
                                            FlushMode flushOverride, AppendPrecondition precondition) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            checkRecords(records);
            storageGuard.checkWritable();
            Topic t = InternalTopicException.checkNotInternal(registry.require(topic), "producing");
            PartitionLog log = t.partition(partition);
            long now = clock.millis();
            AtomicLong bytes = new AtomicLong();
            return appendOnScheduler(t, log, () -> {
                        ByteBuffer batches = build(records, now, t.config().compressionCodec());
                        bytes.set(batches.remaining());
                        return log.appendAsync(batches, flush(t, flushOverride), precondition);
                    })
                    .map(result -> offsets(partition, result, records.size()))
                    .doOnNext(o -> metrics.recordProduce(topic, records.size(), bytes.get(),
                            System.nanoTime() - started));
        });
    }

    /**
     * Appends client-made record batches to one partition as they are (the engine validates them and rewrites
     * only base offsets and leader epochs), creating the topic if allowed. A retried batch of an idempotent
     * producer (a producer id with an epoch and sequence the partition has seen among the producer's last five
     * batches) is answered with the original offsets and not appended again.
     *
     * @param batches one or more v2 batches back to back, from position to limit; a direct buffer avoids a copy
     */
    public Mono<IdempotentBatchAppender.Result> appendBatchesIdempotent(String topic, int partition,
                                                                        ByteBuffer batches, FlushMode flushOverride) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            if (!batches.hasRemaining()) {
                throw new BackboneException(ProblemType.MALFORMED_BATCH, "the body holds no record batch");
            }
            storageGuard.checkWritable();
            int bytes = batches.remaining();
            return topic(topic).flatMap(t -> {
                PartitionLog log = t.partition(partition);
                return appendOnScheduler(t, log, () -> producerState.append(log, batches, flush(t, flushOverride)));
            }).doOnNext(result -> {
                if (!result.duplicate()) {
                    metrics.recordProduce(topic, result.appended().recordCount(), bytes, System.nanoTime() - started);
                }
            });
        });
    }

    private Mono<Topic> topic(String name) {
        Topic existing = registry.find(name).orElse(null);
        if (existing != null) {
            return Mono.fromCallable(() -> InternalTopicException.checkNotInternal(existing, "producing"));
        }
        // Creating a topic does file I/O: never on the event loop.
        return Mono.fromCallable(() -> registry.getOrCreate(name)).subscribeOn(appendScheduler);
    }

    /** @param requestId the client request the records come from, if it may be retried (else null) */
    private Mono<List<RecordOffset>> appendAll(Topic topic, List<ProducedRecord> records, FlushMode flushOverride,
                                               long started, AppendRequestId requestId) {
        int[] partitionOf = assignPartitions(topic, records);
        List<List<Integer>> byPartition = new ArrayList<>(topic.partitionCount());
        for (int p = 0; p < topic.partitionCount(); p++) {
            byPartition.add(new ArrayList<>());
        }
        for (int i = 0; i < records.size(); i++) {
            byPartition.get(partitionOf[i]).add(i);
        }
        FlushMode flush = flush(topic, flushOverride);
        long now = clock.millis();
        long[] offsetOf = new long[records.size()];
        AtomicLong bytes = new AtomicLong();
        List<Integer> used = new ArrayList<>();
        for (int p = 0; p < byPartition.size(); p++) {
            if (!byPartition.get(p).isEmpty()) {
                used.add(p);
            }
        }
        return Flux.fromIterable(used)
                .flatMap(p -> {
                    List<Integer> indexes = byPartition.get(p);
                    List<ProducedRecord> mine = new ArrayList<>(indexes.size());
                    indexes.forEach(i -> mine.add(records.get(i)));
                    PartitionLog log = topic.partition(p);
                    return appendOnScheduler(topic, log, () -> {
                                ByteBuffer batches = build(mine, now, topic.config().compressionCodec());
                                bytes.addAndGet(batches.remaining());
                                return log.appendAsync(batches, flush, AppendPrecondition.NONE, requestId);
                            })
                            .doOnNext(result -> {
                                for (int k = 0; k < indexes.size(); k++) {
                                    offsetOf[indexes.get(k)] = result.firstOffset() + k;
                                }
                            });
                })
                .then(Mono.fromSupplier(() -> {
                    List<RecordOffset> offsets = new ArrayList<>(records.size());
                    for (int i = 0; i < records.size(); i++) {
                        offsets.add(new RecordOffset(partitionOf[i], offsetOf[i]));
                    }
                    metrics.recordProduce(topic.name(), records.size(), bytes.get(), System.nanoTime() - started);
                    return offsets;
                }));
    }

    private int[] assignPartitions(Topic topic, List<ProducedRecord> records) {
        int count = topic.partitionCount();
        int[] partitionOf = new int[records.size()];
        AtomicInteger counter = null;
        for (int i = 0; i < records.size(); i++) {
            ProducedRecord record = records.get(i);
            if (record.partition() != null) {
                if (record.partition() < 0 || record.partition() >= count) {
                    throw new UnknownPartitionException(topic.name(), record.partition(), count);
                }
                partitionOf[i] = record.partition();
            } else if (record.key() != null) {
                partitionOf[i] = Murmur2Partitioner.partition(record.key(), count);
            } else {
                if (counter == null) {
                    counter = roundRobin.computeIfAbsent(topic.name(), t -> new AtomicInteger());
                }
                partitionOf[i] = Math.floorMod(counter.getAndIncrement(), count);
            }
        }
        return partitionOf;
    }

    /**
     * One or more batches holding {@code records} in order, each within the batch limit before compression (so
     * also after it), compressed with the topic's codec.
     */
    private ByteBuffer build(List<ProducedRecord> records, long now, CompressionCodec compression) {
        List<ByteBuffer> batches = new ArrayList<>(1);
        RecordBatchBuilder builder = null;
        for (int i = 0; i < records.size(); i++) {
            ProducedRecord record = records.get(i);
            if (builder == null || builder.estimatedSizeInBytes() + record.sizeInBytes() + 64L
                    > limits.maxBatchBytes()) {
                if (builder != null) {
                    batches.add(builder.build());
                }
                builder = new RecordBatchBuilder(compression, expectedBatchBytes(records, i));
            }
            long timestamp = record.timestampMs() != null ? record.timestampMs() : now;
            builder.add(timestamp, record.key(), record.valueArray(), record.valueOffset(), record.valueLength(),
                    record.headers());
        }
        batches.add(builder.build());
        return batches.size() == 1 ? batches.get(0) : RecordBatchBuilder.concat(batches);
    }

    /** What the records from {@code from} on take in a batch, capped at the batch limit: the builder's first size. */
    private int expectedBatchBytes(List<ProducedRecord> records, int from) {
        long bytes = RecordBatchDescriptor.HEADER_SIZE;
        for (int i = from; i < records.size() && bytes < limits.maxBatchBytes(); i++) {
            ProducedRecord record = records.get(i);
            // Framing of one record: length, attributes, deltas, key and value lengths, header count.
            bytes += 24 + (record.key() == null ? 0 : record.key().length)
                    + (record.valueArray() == null ? 0 : record.valueLength())
                    + (record.headers().isEmpty() ? 0 : record.sizeInBytes() + 8L * record.headers().size());
        }
        return (int) Math.min(bytes, limits.maxBatchBytes());
    }

    /** Writes a batch to the log; the future completes once the log acknowledges it. */
    private interface AppendCall<T> {
        CompletableFuture<T> write() throws IOException;
    }

    /**
     * Runs {@code call} on the append scheduler (file I/O never runs on the event loop) and then waits for its
     * acknowledgement without holding a thread: a SYNC append's fsync is shared with every append in flight on the
     * partition, however many there are, not only with as many as the scheduler has threads. The acknowledgement
     * arrives on the flusher thread, which must get back to fsyncing: the answer is built on a parallel worker.
     */
    private <T> Mono<T> appendOnScheduler(Topic topic, PartitionLog log, AppendCall<T> call) {
        String where = log.topicPartition().toString();
        return Mono.fromCallable(() -> {
                    try {
                        return call.write();
                    } catch (LogClosedException e) {
                        if (registry.find(topic.name()).orElse(null) != topic) {
                            throw new UnknownTopicException(topic.name());
                        }
                        throw e;
                    }
                })
                .subscribeOn(appendScheduler)
                .flatMap(acknowledged -> acknowledged.isDone()
                        ? Mono.fromFuture(acknowledged)
                        : Mono.fromFuture(acknowledged).publishOn(Schedulers.parallel()))
                .onErrorMap(IOException.class, e -> storageGuard.writeFailed(where, e));
    }

    private void checkRecords(List<ProducedRecord> records) {
        if (records.isEmpty()) {
            throw new BackboneException(ProblemType.MALFORMED_JSON, "a produce request needs at least one record");
        }
        for (int i = 0; i < records.size(); i++) {
            int size = records.get(i).sizeInBytes();
            if (size > limits.maxRecordBytes()) {
                throw new BackboneException(ProblemType.RECORD_TOO_LARGE, "record " + i + " has " + size
                        + " bytes of key, value and headers; at most " + limits.maxRecordBytes() + " are accepted",
                        Map.of("index", i, "sizeBytes", size, "limitBytes", limits.maxRecordBytes()));
            }
        }
    }

    private static FlushMode flush(Topic topic, FlushMode override) {
        return override != null ? override : topic.config().flushMode();
    }

    private static List<RecordOffset> offsets(int partition, AppendResult result, int count) {
        RecordOffset[] offsets = new RecordOffset[count];
        for (int k = 0; k < count; k++) {
            offsets[k] = new RecordOffset(partition, result.firstOffset() + k);
        }
        return Arrays.asList(offsets);
    }
}
