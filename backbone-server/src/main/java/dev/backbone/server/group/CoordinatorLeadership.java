package dev.backbone.server.group;

import java.util.OptionalLong;

/**
 * Whether this broker coordinates the groups of an offsets partition, and in which term. A group's coordinator is
 * where its membership lives (in memory), so a broker may only answer for a group while it coordinates it, and its
 * commits are valid only in the term its membership was built in.
 *
 * <p>Thread safety: implementations are thread-safe.
 */
@FunctionalInterface
public interface CoordinatorLeadership {

    /** A single broker coordinates every group, always in term 0. */
    CoordinatorLeadership SINGLE_BROKER = offsetsPartition -> OptionalLong.of(0);

    /**
     * The term in which this broker coordinates the groups of offsets partition {@code offsetsPartition}: in a
     * cluster, the Raft term in which it leads that partition's group, having applied everything committed before.
     * Empty while another broker coordinates them, or none does.
     */
    OptionalLong term(int offsetsPartition);
}
