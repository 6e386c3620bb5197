package dev.backbone.server.security;

import java.util.Locale;

/**
 * The kinds of resource an ACL protects: a topic, a consumer group, or the broker as a whole ({@code cluster},
 * whose one resource is named {@value #CLUSTER_NAME}, as in Kafka).
 *
 * <p>Thread safety: immutable.
 */
public enum ResourceType {
    TOPIC, GROUP, CLUSTER;

    /** The name of the one cluster resource. */
    public static final String CLUSTER_NAME = "kafka-cluster";

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values when {@code label} is none of them */
    public static ResourceType parse(String label) {
        return Labels.parse(ResourceType.class, label);
    }
}
