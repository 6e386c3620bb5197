package dev.backbone.server.http;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A consume would park in a long poll, but its principal already has the most parked consumes allowed
 * ({@code backbone.limits.max-waiters-per-principal}); answered 429 without waiting.
 *
 * <p>Thread safety: immutable.
 */
public final class TooManyWaitersException extends BackboneException {

    public TooManyWaitersException(String principal, int limit) {
        super(ProblemType.TOO_MANY_WAITERS, "principal '" + principal + "' already has " + limit
                + " consumes waiting for records, the most allowed; retry with maxWaitMs=0 or when one returns",
                facts(principal, limit));
    }

    private static Map<String, Object> facts(String principal, int limit) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("principal", principal);
        facts.put("limit", limit);
        return facts;
    }
}
