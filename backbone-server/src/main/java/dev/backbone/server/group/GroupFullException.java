package dev.backbone.server.group;

/** A join was refused because the group already has the most members allowed. */
public final class GroupFullException extends GroupException {

    private final int maxMembers;

    public GroupFullException(String group, int maxMembers) {
        super(group, "group " + group + " already has the maximum of " + maxMembers + " members");
        this.maxMembers = maxMembers;
    }

    public int maxMembers() {
        return maxMembers;
    }
}
