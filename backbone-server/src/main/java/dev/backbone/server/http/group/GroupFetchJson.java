package dev.backbone.server.http.group;

import dev.backbone.server.http.RecordJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The JSON of a group fetch:
 *
 * <pre>
 * {"group": "billing", "memberId": "member-...", "generation": 3,
 *  "records": [{"topic": "orders", "partition": 1, "offset": 42, "timestamp": ..., "key": ..., "value": ...,
 *               "headers": {...}}, ...],
 *  "nextOffsets": [{"topic": "orders", "partition": 1, "offset": 43, "endOffset": 50}, ...]}
 * </pre>
 *
 * Each record is {@link RecordJson}'s shape with {@code topic} and {@code partition} in front.
 *
 * <p>Thread safety: stateless.
 */
final class GroupFetchJson {

    private GroupFetchJson() {
    }

    static byte[] toJson(GroupFetch fetch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(out, "{\"group\":\"" + fetch.group() + "\",\"memberId\":");
        writeString(out, fetch.memberId());
        write(out, ",\"generation\":" + fetch.generation() + ",\"records\":[");
        boolean first = true;
        for (GroupFetch.TaggedRecord tagged : fetch.records()) {
            byte[] record = RecordJson.toJson(tagged.record());
            // Topic names are [a-zA-Z0-9._-]: nothing to escape. The record's own object follows its '{'.
            write(out, (first ? "" : ",") + "{\"topic\":\"" + tagged.topic() + "\",\"partition\":"
                    + tagged.partition() + ",");
            out.write(record, 1, record.length - 1);
            first = false;
        }
        write(out, "],\"nextOffsets\":[");
        first = true;
        for (GroupFetch.NextOffset next : fetch.nextOffsets()) {
            write(out, (first ? "" : ",") + "{\"topic\":\"" + next.topic() + "\",\"partition\":" + next.partition()
                    + ",\"offset\":" + next.offset() + ",\"endOffset\":" + next.endOffset() + "}");
            first = false;
        }
        write(out, "]}");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.UTF_8));
    }

    /** Member ids are the broker's own ("member-" and a UUID), but the path may carry anything. */
    private static void writeString(ByteArrayOutputStream out, String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                escaped.append('\\').append(c);
            } else if (c < 0x20) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        write(out, escaped.append('"').toString());
    }
}
