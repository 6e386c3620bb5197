package dev.backbone.client.http;

/** {@code unknown-partition} (404): the topic has no partition with that number. */
public class UnknownPartitionException extends BackboneProblemException {

    public UnknownPartitionException(Problem problem) {
        super(problem);
    }

    public String topic() {
        return problem().stringMember("topic");
    }

    public int partition() {
        return (int) problem().longMember("partition", -1L);
    }

    /** How many partitions the topic has. */
    public int partitionCount() {
        return (int) problem().longMember("partitionCount", -1L);
    }
}
