package dev.backbone.spring.listener;

import java.time.Duration;

/**
 * How listener containers consume.
 *
 * @param sessionTimeout    lease of a group member
 * @param heartbeatInterval how often a member renews it, apart from processing
 * @param maxWait           longest a fetch waits for records
 * @param maxBytes          most bytes one fetch asks of each partition
 * @param responseTimeout   longest wait for a broker answer beyond {@code maxWait}
 * @param shutdownTimeout   longest a stopping container takes to finish, commit and leave
 * @param backoff           retries of a failing invocation
 * @param deadLetterEnabled whether exhausted records go to a dead-letter topic
 * @param deadLetterSuffix  suffix of dead-letter topic names
 * @param commitInterval    least time between two commits of a member; 0 commits after every fetch's records
 */
public record ListenerSettings(Duration sessionTimeout, Duration heartbeatInterval, Duration maxWait, int maxBytes,
                               Duration responseTimeout, Duration shutdownTimeout, BackoffPolicy backoff,
                               boolean deadLetterEnabled, String deadLetterSuffix, Duration commitInterval) {
}
