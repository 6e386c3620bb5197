package dev.backbone.client.http;

/** {@code partition-not-owned} (409): a commit or fetch position names a partition the member does not own. */
public class PartitionNotOwnedException extends BackboneProblemException {

    public PartitionNotOwnedException(Problem problem) {
        super(problem);
    }

    public String topic() {
        return problem().stringMember("topic");
    }

    public int partition() {
        return (int) problem().longMember("partition", -1L);
    }
}
