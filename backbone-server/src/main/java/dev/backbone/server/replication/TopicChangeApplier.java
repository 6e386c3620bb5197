package dev.backbone.server.replication;

import java.util.List;

/**
 * Makes committed topic changes on this broker: its topic registry and the partition groups it replicates.
 *
 * <p>Thread safety: called from the metadata group's apply thread only.
 */
public interface TopicChangeApplier {

    /** @return whether the change changed anything (a creation of a taken name, say, does not) */
    boolean apply(TopicChange change);

    /** Every replicated topic as a creation with its current overrides. */
    List<TopicChange> snapshot();

    /** Makes the replicated topics exactly {@code topics}: creates the missing, deletes the others, sets configs. */
    void restore(List<TopicChange> topics);
}
