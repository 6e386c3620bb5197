package dev.backbone.server.security;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An authenticated principal lacks a permission the request needs. The problem names the principal, the operation
 * and the resource (for a choice, such as creating a topic, every way that would have been allowed).
 */
public final class NotAuthorizedException extends BackboneException {

    private final String principal;
    private final List<Action> missing;

    /** @param missing the actions of which the principal holds none (one, or the alternatives of a choice) */
    public NotAuthorizedException(String principal, List<Action> missing) {
        super(ProblemType.ACCESS_DENIED, "principal '" + principal + "' is not allowed "
                + missing.stream().map(Action::toString).collect(Collectors.joining(" or ")), facts(missing));
        this.principal = principal;
        this.missing = List.copyOf(missing);
    }

    private static Map<String, Object> facts(List<Action> missing) {
        Action first = missing.get(0);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("operation", first.operation().label());
        facts.put("resourceType", first.resource().type().label());
        facts.put("resourceName", first.resource().name());
        return facts;
    }

    public String principal() {
        return principal;
    }

    public List<Action> missing() {
        return missing;
    }
}
