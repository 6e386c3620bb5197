package dev.backbone.server.http.group;

import dev.backbone.server.group.GroupNames;
import dev.backbone.server.http.RequestParams;
import dev.backbone.server.log.TopicPartition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the group endpoints' query parameters, answering 400 problems that name the parameter and what it
 * accepts.
 *
 * <p>Thread safety: stateless.
 */
final class GroupParams {

    private GroupParams() {
    }

    /** {@code from=topic:partition:offset}, repeated; no partition twice. */
    static Map<TopicPartition, Long> from(List<String> values) {
        Map<TopicPartition, Long> starts = new LinkedHashMap<>();
        if (values == null) {
            return starts;
        }
        for (String value : values) {
            String[] parts = value.split(":", -1);
            if (parts.length != 3 || !GroupNames.isLegal(parts[0])) {
                throw RequestParams.invalid("from", value, "'topic:partition:offset'");
            }
            int partition = (int) RequestParams.longValue("from", parts[1], -1, 0, Integer.MAX_VALUE);
            long offset = RequestParams.longValue("from", parts[2], -1, 0, Long.MAX_VALUE);
            if (partition < 0 || offset < 0 || starts.put(new TopicPartition(parts[0], partition), offset) != null) {
                throw RequestParams.invalid("from", value, "'topic:partition:offset', each partition once");
            }
        }
        return starts;
    }
}
