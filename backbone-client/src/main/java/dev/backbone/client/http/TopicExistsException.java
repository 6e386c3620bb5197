package dev.backbone.client.http;

/** {@code topic-exists} (409): a topic of that name exists already and was left unchanged. */
public class TopicExistsException extends BackboneProblemException {

    public TopicExistsException(Problem problem) {
        super(problem);
    }

    public String topic() {
        return problem().stringMember("topic");
    }
}
