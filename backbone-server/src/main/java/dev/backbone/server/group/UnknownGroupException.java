package dev.backbone.server.group;

/** No member ever joined the group since the broker started and it has no committed offsets. */
public final class UnknownGroupException extends GroupException {

    public UnknownGroupException(String group) {
        super(group, "group " + group + " does not exist");
    }
}
