package dev.backbone.server.stream;

import dev.backbone.server.log.ParallelTasks;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicListener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The key indexes of every partition of every user topic, opened when a topic appears and closed when it goes.
 * Internal topics ({@code __} prefix) have none.
 *
 * <p>Opening an index catches it up with its log before the topic serves requests (the registry tells
 * listeners about existing topics when they register, and about new ones before {@code create} returns), so
 * key streams are exact from the first request on.
 *
 * <p>Thread safety: thread-safe.
 */
public final class KeyStreams implements TopicListener, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KeyStreams.class.getName());

    private final KeyHasher hasher;
    private final Executor catchUpExecutor;
    private final Map<TopicPartition, PartitionKeyIndex> indexes = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Exception> failures = new ConcurrentHashMap<>();

    public KeyStreams(KeyHasher hasher, Executor catchUpExecutor) {
        this.hasher = hasher;
        this.catchUpExecutor = catchUpExecutor;
    }

    @Override
    public void topicCreated(Topic topic) {
        topicsExisting(List.of(topic));
    }

    /** Opens the indexes of many partitions on a few threads: each open reads files and waits for the disk. */
    @Override
    public void topicsExisting(Collection<Topic> topics) {
        List<PartitionLog> logs = new ArrayList<>();
        for (Topic topic : topics) {
            if (!topic.isInternal()) {
                logs.addAll(topic.partitions());
            }
        }
        for (ParallelTasks.Outcome<PartitionLog, PartitionKeyIndex> opened : ParallelTasks.runAll(
                "backbone-key-index-open", logs, log -> PartitionKeyIndex.open(log, hasher, catchUpExecutor))) {
            TopicPartition tp = opened.item().topicPartition();
            if (opened.failure() != null) {
                // The topic still works; only its key streams answer "unavailable" until the next start.
                LOG.log(Level.ERROR, "could not open the key index of " + tp, opened.failure());
                failures.put(tp, opened.failure());
                continue;
            }
            PartitionKeyIndex previous = indexes.put(tp, opened.value());
            failures.remove(tp);
            if (previous != null) {
                closeQuietly(previous);
            }
        }
    }

    @Override
    public void topicDeleted(String name) {
        indexes.keySet().removeIf(tp -> {
            if (!tp.topic().equals(name)) {
                return false;
            }
            closeQuietly(indexes.get(tp));
            return true;
        });
        failures.keySet().removeIf(tp -> tp.topic().equals(name));
    }

    /**
     * The index of one partition.
     *
     * @throws KeyIndexUnavailableException when the partition has no open index (its opening failed, or the
     *                                      topic is internal or gone)
     */
    public PartitionKeyIndex index(TopicPartition tp) {
        PartitionKeyIndex index = indexes.get(tp);
        if (index == null) {
            Exception failure = failures.get(tp);
            throw new KeyIndexUnavailableException(null, failure != null ? "opening the index of " + tp + " failed"
                    : "no key index is open for " + tp, failure);
        }
        return index;
    }

    /** Closes every index, saving each one's table so that the next start reads no chain. */
    @Override
    public void close() {
        // An index changed since it was opened fsyncs its chain and writes a snapshot: many at once, not in turn.
        ParallelTasks.runAll("backbone-key-index-close", List.copyOf(indexes.values()), index -> {
            closeQuietly(index);
            return null;
        });
        indexes.clear();
    }

    private static void closeQuietly(PartitionKeyIndex index) {
        try {
            index.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not close the key index of " + index.topicPartition() + " cleanly; the "
                    + "next start replays its chain", e);
        }
    }
}
