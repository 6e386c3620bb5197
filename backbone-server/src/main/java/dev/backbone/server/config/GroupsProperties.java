package dev.backbone.server.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Consumer group settings, under {@code backbone.groups}.
 *
 * <p>Thread safety: bound once at start-up, then only read.
 */
@ConfigurationProperties("backbone.groups")
public class GroupsProperties {

    /** The shortest session timeout (lease) a member may ask for when it joins. */
    private Duration minSessionTimeout = Duration.ofSeconds(1);

    /** The longest session timeout a member may ask for when it joins. */
    private Duration maxSessionTimeout = Duration.ofMinutes(5);

    /** The session timeout of a member that asks for none. */
    private Duration defaultSessionTimeout = Duration.ofSeconds(10);

    /** Joins beyond this many live members of one group are refused with 409. */
    private int maxMembersPerGroup = 1000;

    /** The most topics one member may subscribe to. */
    private int maxTopicsPerMember = 100;

    /** How often expired sessions are looked for, so that the other members' rebalance is not delayed. */
    private Duration sessionCheckInterval = Duration.ofMillis(500);

    /** How often the backbone_group_lag gauge is recomputed. */
    private Duration lagMetricInterval = Duration.ofSeconds(10);

    /**
     * How long the offsets topic keeps records (its retention.ms when it is first created). Offsets of groups with
     * members are rewritten before they age out; those of a group that stays empty this long expire, as in Kafka.
     */
    private Duration offsetsRetention = Duration.ofDays(7);

    /** Partitions of the internal offsets topic when it is first created; a group's commits all go to one. */
    private int offsetsTopicPartitions = 1;

    public Duration getMinSessionTimeout() {
        return minSessionTimeout;
    }

    public void setMinSessionTimeout(Duration minSessionTimeout) {
        this.minSessionTimeout = minSessionTimeout;
    }

    public Duration getMaxSessionTimeout() {
        return maxSessionTimeout;
    }

    public void setMaxSessionTimeout(Duration maxSessionTimeout) {
        this.maxSessionTimeout = maxSessionTimeout;
    }

    public Duration getDefaultSessionTimeout() {
        return defaultSessionTimeout;
    }

    public void setDefaultSessionTimeout(Duration defaultSessionTimeout) {
        this.defaultSessionTimeout = defaultSessionTimeout;
    }

    public int getMaxMembersPerGroup() {
        return maxMembersPerGroup;
    }

    public void setMaxMembersPerGroup(int maxMembersPerGroup) {
        this.maxMembersPerGroup = maxMembersPerGroup;
    }

    public int getMaxTopicsPerMember() {
        return maxTopicsPerMember;
    }

    public void setMaxTopicsPerMember(int maxTopicsPerMember) {
        this.maxTopicsPerMember = maxTopicsPerMember;
    }

    public Duration getSessionCheckInterval() {
        return sessionCheckInterval;
    }

    public void setSessionCheckInterval(Duration sessionCheckInterval) {
        this.sessionCheckInterval = sessionCheckInterval;
    }

    public Duration getLagMetricInterval() {
        return lagMetricInterval;
    }

    public void setLagMetricInterval(Duration lagMetricInterval) {
        this.lagMetricInterval = lagMetricInterval;
    }

    public Duration getOffsetsRetention() {
        return offsetsRetention;
    }

    public void setOffsetsRetention(Duration offsetsRetention) {
        this.offsetsRetention = offsetsRetention;
    }

    public int getOffsetsTopicPartitions() {
        return offsetsTopicPartitions;
    }

    public void setOffsetsTopicPartitions(int offsetsTopicPartitions) {
        this.offsetsTopicPartitions = offsetsTopicPartitions;
    }
}
