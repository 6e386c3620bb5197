package dev.backbone.server.group;

import dev.backbone.server.error.ProblemType;

import java.util.Map;

/** A join was refused because the group already has the most members allowed. */
public final class GroupFullException extends GroupException {

    private final int maxMembers;

    public GroupFullException(String group, int maxMembers) {
        super(ProblemType.GROUP_FULL, group, "group " + group + " already has the maximum of " + maxMembers + " members",
                Map.of("group", group, "maxMembers", maxMembers));
        this.maxMembers = maxMembers;
    }

    public int maxMembers() {
        return maxMembers;
    }
}
