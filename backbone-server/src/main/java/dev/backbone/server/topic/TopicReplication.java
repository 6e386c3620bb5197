package dev.backbone.server.topic;

import dev.backbone.server.log.PartitionLog;
import java.util.Map;

/**
 * How topic changes and appends reach the other brokers of a cluster. A single broker uses {@link #NONE}: every
 * change is made locally at once and partitions are the engine's own logs.
 *
 * <p>In a cluster, a change to a replicated topic is proposed through this interface and made on every broker
 * (this one included) by the replication layer calling {@link TopicRegistry#applyCreate},
 * {@link TopicRegistry#applyConfig} or {@link TopicRegistry#applyDelete} once it is committed. The proposing calls
 * block until this broker has applied the change, or fail.
 *
 * <p>Thread safety: implementations are thread-safe.
 */
public interface TopicReplication {

    /** A single broker: nothing is replicated. */
    TopicReplication NONE = new TopicReplication() {
        @Override
        public boolean replicates(String topic) {
            return false;
        }

        @Override
        public PartitionLog wrap(PartitionLog local) {
            return local;
        }

        @Override
        public void create(String name, int partitions, Map<String, String> overrides) {
            throw new IllegalStateException("a single broker creates topics locally");
        }

        @Override
        public void alterConfig(String name, Map<String, String> overrides) {
            throw new IllegalStateException("a single broker changes topics locally");
        }

        @Override
        public void delete(String name) {
            throw new IllegalStateException("a single broker deletes topics locally");
        }
    };

    /** Whether changes to and appends of {@code topic} go through the cluster (the broker's own topics do not). */
    boolean replicates(String topic);

    /** The log the layers above use for a partition of a replicated topic, over the engine's local log. */
    PartitionLog wrap(PartitionLog local);

    /**
     * Proposes the creation of a topic with checked arguments; returns once this broker has applied it.
     *
     * @throws TopicExistsException when the committed creation found the name taken
     */
    void create(String name, int partitions, Map<String, String> overrides);

    /** Proposes that a topic's config overrides become {@code overrides}; returns once this broker applied it. */
    void alterConfig(String name, Map<String, String> overrides);

    /**
     * Proposes the deletion of a topic; returns once this broker has applied it.
     *
     * @throws UnknownTopicException when the committed deletion found no such topic
     */
    void delete(String name);
}
