package dev.backbone.client.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the body of a key stream append, {@code {"records": [{"value": <json>, "headers": {...}}, ...]}}, with
 * each value's JSON bytes copied as they are (the broker stores them byte for byte; it checks they are JSON).
 * Stateless and thread-safe.
 */
final class KeyAppendBody {

    private static final byte[] START = "{\"records\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VALUE = "{\"value\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEADERS = ",\"headers\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "]}".getBytes(StandardCharsets.US_ASCII);

    private KeyAppendBody() {
    }

    static byte[] write(List<KeyedEvent> events) {
        int size = START.length + END.length;
        for (KeyedEvent e : events) {
            size += e.jsonValue().length + 64;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(START);
        String separator = "";
        for (KeyedEvent event : events) {
            out.writeBytes(separator.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(VALUE);
            out.writeBytes(event.jsonValue());
            if (!event.headers().isEmpty()) {
                out.writeBytes(HEADERS);
                out.writeBytes(JsonAnswers.write(event.headers()));
            }
            out.write('}');
            separator = ",";
        }
        out.writeBytes(END);
        return out.toByteArray();
    }
}
