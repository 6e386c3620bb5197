package dev.backbone.spring.listener;

/**
 * What listener containers count. {@link #NONE} when Micrometer is absent; implementations are thread-safe.
 */
public interface ListenerMetrics {

    /** Counts nothing. */
    ListenerMetrics NONE = new ListenerMetrics() {
    };

    /** A record handled successfully. */
    default void consumed(String listenerId, String topic) {
    }

    /** One failed invocation (retried or not). */
    default void failed(String listenerId, String topic) {
    }

    /** A record sent to the dead-letter topic. */
    default void deadLettered(String listenerId, String topic) {
    }

    /** A commit the broker refused or that did not reach it. */
    default void commitFailed(String listenerId) {
    }

    /** The records between a partition's end and this member's position, after a fetch. */
    default void lag(String listenerId, String topic, int partition, long lag) {
    }
}
