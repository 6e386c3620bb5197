package dev.backbone.client.http;

/** {@code audit-chain-disabled} (409): the topic keeps no audit chain. */
public class AuditChainDisabledException extends BackboneProblemException {

    public AuditChainDisabledException(Problem problem) {
        super(problem);
    }

    public String topic() {
        return problem().stringMember("topic");
    }
}
