package dev.backbone.server.group;

import java.util.List;

/**
 * A group as {@code GET /v1/groups/{group}} shows it.
 *
 * @param group      the group
 * @param generation the current generation
 * @param state      "Stable" with members, "Empty" without
 * @param members    the live members with their partitions
 * @param partitions every partition the group owns or has committed for, sorted, with its lag
 */
public record GroupDescription(String group, int generation, String state, List<GroupView.Member> members,
                               List<PartitionLag> partitions) {

    public GroupDescription {
        members = List.copyOf(members);
        partitions = List.copyOf(partitions);
    }

    /**
     * One partition's progress.
     *
     * @param topic           the topic
     * @param partition       the partition
     * @param committedOffset the committed offset, or null when the group never committed one
     * @param startOffset     the partition's log start offset
     * @param endOffset       the partition's end offset
     * @param lag             records not yet consumed: {@code endOffset - max(committedOffset, startOffset)}, or
     *                        {@code endOffset - startOffset} without a commit (consumption starts at the earliest)
     * @param owner           the member that owns the partition in this generation, or null
     */
    public record PartitionLag(String topic, int partition, Long committedOffset, long startOffset, long endOffset,
                               long lag, String owner) {
    }
}
