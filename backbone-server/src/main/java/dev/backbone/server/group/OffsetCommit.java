package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One commit request: a member, the generation it believes current, and the positions it has reached.
 *
 * @param group      the group
 * @param memberId   the committing member
 * @param generation the generation the member was assigned its partitions in
 * @param offsets    one entry per partition, no partition twice
 */
public record OffsetCommit(String group, String memberId, int generation, List<PartitionOffset> offsets) {

    public OffsetCommit {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(memberId, "memberId");
        offsets = List.copyOf(offsets);
        Set<TopicPartition> seen = new HashSet<>();
        for (PartitionOffset entry : offsets) {
            if (!seen.add(entry.topicPartition())) {
                throw new InvalidGroupRequestException(group, "offsets", "partition " + entry.topicPartition().partition()
                        + " of topic " + entry.topicPartition().topic() + " appears more than once");
            }
        }
    }

    public List<TopicPartition> partitions() {
        return offsets.stream().map(PartitionOffset::topicPartition).toList();
    }

    /**
     * One position.
     *
     * @param topicPartition the partition
     * @param offset         the next offset to consume (one past the last processed record)
     * @param metadata       free text stored with the offset, "" if none
     */
    public record PartitionOffset(TopicPartition topicPartition, long offset, String metadata) {

        public PartitionOffset {
            Objects.requireNonNull(topicPartition, "topicPartition");
            metadata = metadata == null ? "" : metadata;
        }
    }
}
