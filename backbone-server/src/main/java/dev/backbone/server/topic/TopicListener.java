package dev.backbone.server.topic;

import java.util.Collection;

/**
 * Told when topics come and go, so that per-partition state (long-poll waiters, metrics, indexes) can follow.
 * Called on the thread that created or deleted the topic, outside any request's event loop; must not block long.
 */
public interface TopicListener {

    /** The topic is open and its partitions accept appends. */
    void topicCreated(Topic topic);

    /**
     * The topics that exist when this listener registers, all at once; by default {@link #topicCreated} for each.
     * A listener with slow per-partition work (opening files) may spread it over threads.
     */
    default void topicsExisting(Collection<Topic> topics) {
        topics.forEach(this::topicCreated);
    }

    /** The topic is gone from the registry; its logs are being closed and deleted. */
    void topicDeleted(String name);
}
