package dev.backbone.server.replication;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.time.Duration;
import java.util.Map;

/**
 * No leader of a Raft group answered within the request timeout (an election is under way, or a majority of the
 * group's replicas is unreachable). Answered 503 with {@code Retry-After}: the request may or may not have been
 * committed, so producers retry with an idempotent producer id or idempotency key to avoid duplicates.
 */
public final class NoLeaderException extends BackboneException {

    public NoLeaderException(String what, Duration timeout, Throwable cause) {
        super(ProblemType.NO_LEADER, "no leader of " + what + " answered within " + timeout.toMillis() + " ms",
                Map.of("group", what, "timeoutMs", timeout.toMillis()), cause);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", "1");
    }
}
