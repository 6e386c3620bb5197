package dev.backbone.server.group;

/** A group request the coordinator refuses; each subclass names one reason and carries its facts. */
public abstract class GroupException extends RuntimeException {

    private final String group;

    protected GroupException(String group, String message) {
        super(message);
        this.group = group;
    }

    public String group() {
        return group;
    }
}
