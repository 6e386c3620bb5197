package dev.backbone.server.group;

import dev.backbone.server.error.ProblemType;

import java.util.Map;

/** A group request with a bad field: a malformed group or topic name, a session timeout out of bounds, and so on. */
public final class InvalidGroupRequestException extends GroupException {

    private final String field;

    public InvalidGroupRequestException(String group, String field, String message) {
        super(ProblemType.INVALID_PARAMETER, group, message, Map.of("field", field));
        this.field = field;
    }

    /** The request field at fault, as named in the API ("sessionTimeoutMs", "topics", ...). */
    public String field() {
        return field;
    }
}
