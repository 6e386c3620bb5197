package dev.backbone.server.security;

import java.util.Objects;

/**
 * One concrete resource a request touches: a topic, a group, or the cluster.
 *
 * @param type the kind of resource
 * @param name its name ({@link ResourceType#CLUSTER_NAME} for the cluster)
 */
public record Resource(ResourceType type, String name) {

    /** The one cluster resource. */
    public static final Resource CLUSTER = new Resource(ResourceType.CLUSTER, ResourceType.CLUSTER_NAME);

    public Resource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static Resource topic(String name) {
        return new Resource(ResourceType.TOPIC, name);
    }

    public static Resource group(String name) {
        return new Resource(ResourceType.GROUP, name);
    }

    @Override
    public String toString() {
        return type.label() + " '" + name + "'";
    }
}
