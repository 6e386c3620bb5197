package dev.backbone.spring.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of an audit trail: who did what to which entity, with what outcome, when.
 *
 * @param actor      who acted (a user or service name), never null; "anonymous" when nobody is known
 * @param action     what was done, for example "order.cancel"
 * @param entityType kind of entity acted on, or null
 * @param entityId   id of the entity acted on, or null
 * @param outcome    how it ended
 * @param details    further facts (for a failure: the exception type), never null
 * @param time       when it happened
 */
public record AuditEntry(String actor, String action, String entityType, String entityId, Outcome outcome,
                         Map<String, String> details, Instant time) {

    /** How an audited action ended. */
    public enum Outcome {
        SUCCESS,
        FAILURE
    }

    public AuditEntry {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(time, "time");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /**
     * A successful action now.
     *
     * @param actor      who acted
     * @param action     what was done
     * @param entityType kind of entity, or null
     * @param entityId   id of the entity, or null
     * @return the entry
     */
    public static AuditEntry success(String actor, String action, String entityType, String entityId) {
        return new AuditEntry(actor, action, entityType, entityId, Outcome.SUCCESS, Map.of(), Instant.now());
    }
}
