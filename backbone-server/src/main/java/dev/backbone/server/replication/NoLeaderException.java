package dev.backbone.server.replication;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.time.Duration;
import java.util.Map;

/**
 * No leader of a Raft group answered within the request timeout (an election is under way, or a majority of the
 * group's replicas is unreachable). Answered 503 with {@code Retry-After}: the request may or may not have been
 * committed, so producers retry with an idempotent producer id or idempotency key to avoid duplicates. Also
 * what this broker answers when it stopped leading the group after taking the request and before the entry was
 * committed: the next leader may or may not commit it.
 */
public final class NoLeaderException extends BackboneException {

    public NoLeaderException(String what, Duration timeout, Throwable cause) {
        super(ProblemType.NO_LEADER, "no leader of " + what + " answered within " + timeout.toMillis() + " ms",
                Map.of("group", what, "timeoutMs", timeout.toMillis()), cause);
    }

    private NoLeaderException(String what, Throwable cause) {
        super(ProblemType.NO_LEADER, "this broker stopped leading " + what + " before the write was committed; the"
                + " next leader may or may not commit it", Map.of("group", what), cause);
    }

    /** This broker led {@code what} when it took the request and stopped before the entry was committed. */
    static NoLeaderException stoppedLeading(String what, Throwable cause) {
        return new NoLeaderException(what, cause);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", "1");
    }
}
