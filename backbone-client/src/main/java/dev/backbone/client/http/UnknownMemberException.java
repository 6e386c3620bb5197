package dev.backbone.client.http;

/**
 * {@code unknown-member} (404): the member is not in the group (never joined, left, its session expired, or the
 * broker restarted). Join again.
 */
public class UnknownMemberException extends BackboneProblemException {

    public UnknownMemberException(Problem problem) {
        super(problem);
    }

    public String group() {
        return problem().stringMember("group");
    }

    public String memberId() {
        return problem().stringMember("memberId");
    }
}
