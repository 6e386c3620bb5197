package dev.backbone.server.http.keys;

import dev.backbone.client.Murmur2Partitioner;
import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.http.ProduceService;
import dev.backbone.server.http.ProducedRecord;
import dev.backbone.server.http.RecordOffset;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.stream.KeyIndexUnavailableException;
import dev.backbone.server.stream.KeyStreamRead;
import dev.backbone.server.stream.KeyStreams;
import dev.backbone.server.stream.PartitionKeyIndex;
import dev.backbone.server.topic.InvalidTopicException;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicRegistry;
import dev.backbone.server.topic.UnknownTopicException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Appends to and reads from key streams: resolves the key's partition (murmur2, as every keyed produce does),
 * checks version conditions under the partition's append lock through the key index, and reads a key's records
 * through the index.
 *
 * <p>Thread safety: thread-safe.
 */
public final class KeyStreamService {

    /** What a key stream append stored. */
    public record AppendResult(int partition, List<Long> offsets, int firstVersion, int lastVersion) {
    }

    /** A key stream read, with the key's partition. */
    public record ReadResult(int partition, KeyStreamRead read) {
    }

    private final TopicRegistry registry;
    private final KeyStreams keyStreams;
    private final ProduceService produceService;
    private final Scheduler blockingScheduler;
    private final Scheduler readScheduler;

    public KeyStreamService(TopicRegistry registry, KeyStreams keyStreams, ProduceService produceService,
                            Scheduler blockingScheduler, Scheduler readScheduler) {
        this.registry = registry;
        this.keyStreams = keyStreams;
        this.produceService = produceService;
        this.blockingScheduler = blockingScheduler;
        this.readScheduler = readScheduler;
    }

    /**
     * Appends {@code records} to the key's stream atomically if every condition holds for the stream's current
     * version at the moment of the append; creates the topic if allowed.
     *
     * @param keyText the key as the client wrote it, for answers
     * @throws BackboneException (in the Mono) {@link ProblemType#VERSION_CONFLICT} or
     *                           {@link ProblemType#PRECONDITION_FAILED} when a condition fails; nothing is written
     */
    public Mono<AppendResult> append(String topic, byte[] key, String keyText, List<ProducedRecord> records,
                                     List<VersionCondition> conditions, FlushMode flushOverride) {
        return topic(topic).flatMap(t -> {
            checkNotInternal(t);
            int partition = Murmur2Partitioner.partition(key, t.partitionCount());
            List<ProducedRecord> keyed = withKey(records, key, partition);
            PartitionKeyIndex index = index(new TopicPartition(t.name(), partition));
            AtomicInteger versionBefore = new AtomicInteger();
            return produceService.produce(t.name(), partition, keyed, flushOverride, nextOffset -> {
                        int current = currentVersion(index, key);
                        for (VersionCondition condition : conditions) {
                            if (!condition.holds(current)) {
                                throw condition.failed(t.name(), keyText, current);
                            }
                        }
                        versionBefore.set(current);
                    })
                    .map(offsets -> new AppendResult(partition, offsets.stream().map(RecordOffset::offset).toList(),
                            versionBefore.get() + 1, versionBefore.get() + keyed.size()));
        });
    }

    /** Reads up to {@code limit} records of the key's stream from {@code fromVersion}. */
    public Mono<ReadResult> read(String topic, byte[] key, int fromVersion, int limit) {
        return Mono.defer(() -> {
            Topic t = registry.find(topic).orElseThrow(() -> new UnknownTopicException(topic));
            checkNotInternal(t);
            int partition = Murmur2Partitioner.partition(key, t.partitionCount());
            PartitionKeyIndex index = index(new TopicPartition(t.name(), partition));
            return Mono.fromCallable(() -> {
                try {
                    return new ReadResult(partition, index.read(key, fromVersion, limit));
                } catch (KeyIndexUnavailableException e) {
                    throw unavailable(index.topicPartition(), e);
                }
            }).subscribeOn(readScheduler);
        });
    }

    private Mono<Topic> topic(String name) {
        return Mono.defer(() -> {
            Topic existing = registry.find(name).orElse(null);
            if (existing != null) {
                return Mono.just(existing);
            }
            // Creating a topic does file I/O: never on the event loop.
            return Mono.fromCallable(() -> registry.getOrCreate(name)).subscribeOn(blockingScheduler);
        });
    }

    private PartitionKeyIndex index(TopicPartition tp) {
        try {
            return keyStreams.index(tp);
        } catch (KeyIndexUnavailableException e) {
            throw unavailable(tp, e);
        }
    }

    private static int currentVersion(PartitionKeyIndex index, byte[] key) {
        try {
            return index.version(key);
        } catch (KeyIndexUnavailableException e) {
            throw unavailable(index.topicPartition(), e);
        }
    }

    private static void checkNotInternal(Topic topic) {
        if (topic.isInternal()) {
            throw new InvalidTopicException(topic.name(), "internal topics have no key streams");
        }
    }

    private static List<ProducedRecord> withKey(List<ProducedRecord> records, byte[] key, int partition) {
        List<ProducedRecord> keyed = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ProducedRecord r = records.get(i);
            if (r.key() != null && !Arrays.equals(r.key(), key)) {
                throw VersionCondition.invalid("records[" + i + "].key", "another key",
                        "absent or the key in the path");
            }
            if (r.partition() != null && r.partition() != partition) {
                throw VersionCondition.invalid("records[" + i + "].partition", r.partition().toString(),
                        "absent or " + partition + ", the key's partition");
            }
            keyed.add(r.with(partition, key));
        }
        return keyed;
    }

    private static BackboneException unavailable(TopicPartition tp, KeyIndexUnavailableException e) {
        return new BackboneException(ProblemType.UNAVAILABLE, "the key streams of " + tp + " are unavailable: "
                + e.reason(), Map.of("topic", tp.topic(), "partition", tp.partition()), e);
    }
}
