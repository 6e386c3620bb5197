package dev.backbone.client.http;

/** {@code unknown-topic} (404): the topic does not exist (or was deleted while a poll waited). */
public class UnknownTopicException extends BackboneProblemException {

    public UnknownTopicException(Problem problem) {
        super(problem);
    }

    public String topic() {
        return problem().stringMember("topic");
    }
}
