package dev.backbone.server.group;

import dev.backbone.server.error.ProblemType;

import java.util.Map;

/** The member is not in the group: it never joined, it left, or its session expired. It must join again. */
public final class UnknownMemberException extends GroupException {

    private final String memberId;

    public UnknownMemberException(String group, String memberId) {
        super(ProblemType.UNKNOWN_MEMBER, group, "member " + memberId + " is not in group " + group
                + " (it left or its session expired); join again", Map.of("group", group, "memberId", memberId));
        this.memberId = memberId;
    }

    public String memberId() {
        return memberId;
    }
}
