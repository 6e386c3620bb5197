package dev.backbone.client.http;

/** {@code offset-out-of-range} (416): the offset asked for lies before the log start or after its end. */
public class OffsetOutOfRangeException extends BackboneProblemException {

    public OffsetOutOfRangeException(Problem problem) {
        super(problem);
    }

    /** The first offset still kept. */
    public long startOffset() {
        return problem().longMember("startOffset", -1L);
    }

    /** One past the last record. */
    public long endOffset() {
        return problem().longMember("endOffset", -1L);
    }
}
