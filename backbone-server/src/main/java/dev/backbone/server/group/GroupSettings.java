package dev.backbone.server.group;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the group coordinator; immutable.
 *
 * @param minSessionTimeout     the shortest session (lease) a member may ask for
 * @param maxSessionTimeout     the longest session a member may ask for
 * @param defaultSessionTimeout the session of a member that asks for none
 * @param maxMembersPerGroup    joins beyond this many live members are refused, so a join loop cannot exhaust memory
 * @param maxTopicsPerMember    the most topics one member may subscribe to
 */
public record GroupSettings(Duration minSessionTimeout, Duration maxSessionTimeout, Duration defaultSessionTimeout,
                            int maxMembersPerGroup, int maxTopicsPerMember) {

    public static final GroupSettings DEFAULT = new GroupSettings(Duration.ofSeconds(1), Duration.ofMinutes(5),
            Duration.ofSeconds(10), 1000, 100);

    public GroupSettings {
        Objects.requireNonNull(minSessionTimeout, "minSessionTimeout");
        Objects.requireNonNull(maxSessionTimeout, "maxSessionTimeout");
        Objects.requireNonNull(defaultSessionTimeout, "defaultSessionTimeout");
        if (minSessionTimeout.isNegative() || minSessionTimeout.isZero()) {
            throw new IllegalArgumentException("minSessionTimeout must be > 0, was " + minSessionTimeout);
        }
        if (maxSessionTimeout.compareTo(minSessionTimeout) < 0) {
            throw new IllegalArgumentException("maxSessionTimeout " + maxSessionTimeout
                    + " is below minSessionTimeout " + minSessionTimeout);
        }
        if (defaultSessionTimeout.compareTo(minSessionTimeout) < 0
                || defaultSessionTimeout.compareTo(maxSessionTimeout) > 0) {
            throw new IllegalArgumentException("defaultSessionTimeout " + defaultSessionTimeout + " is outside ["
                    + minSessionTimeout + ", " + maxSessionTimeout + "]");
        }
        if (maxMembersPerGroup < 1) {
            throw new IllegalArgumentException("maxMembersPerGroup must be >= 1, was " + maxMembersPerGroup);
        }
        if (maxTopicsPerMember < 1) {
            throw new IllegalArgumentException("maxTopicsPerMember must be >= 1, was " + maxTopicsPerMember);
        }
    }
}
