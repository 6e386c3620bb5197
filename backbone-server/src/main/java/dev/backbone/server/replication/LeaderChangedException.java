package dev.backbone.server.replication;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/**
 * An entry proposed by this broker while it led a Raft group in one term was appended by the leader of a later
 * term, so apply refused it: the state the proposal was checked against (a group coordinator's membership) was no
 * longer the leader's. Nothing was written. Answered 503 with {@code Retry-After}: a retry reaches the new leader.
 */
public final class LeaderChangedException extends BackboneException {

    public LeaderChangedException(String what, long proposedInTerm, long appendedInTerm) {
        super(ProblemType.LEADER_CHANGED, "this broker stopped leading " + what + " while handling the request"
                + " (it led in term " + proposedInTerm + ", the write reached the leader of term " + appendedInTerm
                + "); nothing was written, retry", Map.of("group", what, "proposedInTerm", proposedInTerm,
                "appendedInTerm", appendedInTerm), null);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", "1");
    }
}
