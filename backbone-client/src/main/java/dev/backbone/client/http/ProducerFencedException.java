package dev.backbone.client.http;

/** {@code producer-fenced} (409): a newer epoch of the same producer id has written to the partition. */
public class ProducerFencedException extends BackboneProblemException {

    public ProducerFencedException(Problem problem) {
        super(problem);
    }

    public long producerId() {
        return problem().longMember("producerId", -1L);
    }

    public int producerEpoch() {
        return (int) problem().longMember("producerEpoch", -1L);
    }

    public int currentEpoch() {
        return (int) problem().longMember("currentEpoch", -1L);
    }
}
