package dev.backbone.server.group;

import dev.backbone.server.error.ProblemType;
import dev.backbone.server.log.TopicPartition;

import java.util.Map;

/** A member committed an offset for a partition that another member (or nobody) owns in this generation. */
public final class PartitionNotOwnedException extends GroupException {

    private final String memberId;
    private final int generation;
    private final TopicPartition topicPartition;

    public PartitionNotOwnedException(String group, String memberId, int generation, TopicPartition topicPartition) {
        super(ProblemType.PARTITION_NOT_OWNED, group, "member " + memberId + " of group " + group + " does not own "
                + topicPartition.topic() + " partition " + topicPartition.partition() + " in generation " + generation,
                Map.of("group", group, "memberId", memberId, "generation", generation,
                        "topic", topicPartition.topic(), "partition", topicPartition.partition()));
        this.memberId = memberId;
        this.generation = generation;
        this.topicPartition = topicPartition;
    }

    public String memberId() {
        return memberId;
    }

    public int generation() {
        return generation;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }
}
