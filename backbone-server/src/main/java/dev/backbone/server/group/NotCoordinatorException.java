package dev.backbone.server.group;

import dev.backbone.server.error.ProblemType;
import java.util.Map;

/**
 * In a cluster: this broker does not coordinate the group (another broker leads its offsets partition, or the
 * leadership changed while the request was handled). Nothing was changed; a retry reaches the coordinator.
 */
public final class NotCoordinatorException extends GroupException {

    public NotCoordinatorException(String group, int offsetsPartition) {
        super(ProblemType.LEADER_CHANGED, group, "this broker does not coordinate group " + group + " (offsets"
                + " partition " + offsetsPartition + " is led elsewhere or its leader is changing); retry",
                Map.of("group", group, "offsetsPartition", offsetsPartition));
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", "1");
    }
}
