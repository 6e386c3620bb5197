package dev.backbone.server.topic;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/** A request names a partition number the topic does not have. */
public final class UnknownPartitionException extends BackboneException {

    public UnknownPartitionException(String topic, int partition, int partitionCount) {
        super(ProblemType.UNKNOWN_PARTITION, "topic '" + topic + "' has no partition " + partition + "; it has "
                + partitionCount + " partition(s), numbered from 0",
                Map.of("topic", topic, "partition", partition, "partitionCount", partitionCount));
    }
}
