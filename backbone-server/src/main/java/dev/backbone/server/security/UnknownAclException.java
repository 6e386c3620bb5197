package dev.backbone.server.security;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/** A delete names an ACL id that no ACL has. */
public final class UnknownAclException extends BackboneException {

    public UnknownAclException(String id) {
        super(ProblemType.UNKNOWN_ACL, "no ACL has id '" + id + "'", Map.of("id", id));
    }
}
