package dev.backbone.server.http;

import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.Record;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON shape of one consumed record, shared by every JSON-speaking consume path (JSON, SSE, NDJSON, group
 * fetch, key reads):
 *
 * <pre>
 * {"offset": 42, "timestamp": 1767225600000, "key": "order-7", "value": {"total": 12.5},
 *  "headers": {"content-type": "application/json"}}
 * </pre>
 *
 * <ul>
 *   <li>{@code value}: the stored bytes inline when they are one valid JSON text (so a JSON produce round-trips
 *       to the same JSON), {@code null} for a null value, and otherwise a base64 string with
 *       {@code "valueEncoding": "base64"} beside it, so any bytes round-trip.</li>
 *   <li>{@code key}: a string when the bytes are valid UTF-8, otherwise base64 with
 *       {@code "keyEncoding": "base64"}; absent when the key is null.</li>
 *   <li>{@code headers}: an object; a header value is a string when valid UTF-8, {@code null} when null, and
 *       {@code {"base64": "..."}} otherwise; a key that occurs more than once maps to an array of its values in
 *       order. The JSON produce accepts exactly these forms back.</li>
 * </ul>
 *
 * <p>Thread safety: stateless.
 */
public final class RecordJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RecordJson() {
    }

    /** Writes {@code record} as one JSON object at the generator's position. */
    public static void write(JsonGenerator out, Record record) {
        write(out, record, generator -> { });
    }

    /**
     * Writes {@code record} as one JSON object whose first members are written by {@code leadingMembers} (a key
     * read puts the record's {@code version} there, a group fetch its topic and partition).
     */
    public static void write(JsonGenerator out, Record record, Consumer<JsonGenerator> leadingMembers) {
        out.writeStartObject();
        leadingMembers.accept(out);
        out.writeNumberProperty("offset", record.offset());
        out.writeNumberProperty("timestamp", record.timestamp());
        byte[] key = record.key();
        if (key != null) {
            if (isUtf8(key)) {
                out.writeStringProperty("key", new String(key, StandardCharsets.UTF_8));
            } else {
                out.writeBinaryProperty("key", key);
                out.writeStringProperty("keyEncoding", "base64");
            }
        }
        byte[] value = record.value();
        out.writeName("value");
        if (value == null) {
            out.writeNull();
        } else if (isJson(value)) {
            out.writeRawValue(new String(value, StandardCharsets.UTF_8));
        } else {
            out.writeBinary(value);
            out.writeStringProperty("valueEncoding", "base64");
        }
        writeHeaders(out, record.headers());
        out.writeEndObject();
    }

    /** {@code record} as UTF-8 JSON bytes. */
    public static byte[] toJson(Record record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + (record.value() == null ? 0
                : record.value().length * 4 / 3));
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            write(out, record);
        }
        return bytes.toByteArray();
    }

    /** Whether {@code bytes} are exactly one JSON value (an object, array, string, number, true, false, null). */
    public static boolean isJson(byte[] bytes) {
        if (bytes.length == 0) {
            return false;
        }
        try (JsonParser parser = JSON.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (JacksonException e) {
            return false;
        }
    }

    /** Whether {@code bytes} are well-formed UTF-8. */
    public static boolean isUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return strictUtf8(bytes);
            }
        }
        return true;
    }

    private static boolean strictUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            decoder.decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void writeHeaders(JsonGenerator out, List<Header> headers) {
        out.writeName("headers");
        out.writeStartObject();
        Map<String, List<byte[]>> grouped = new LinkedHashMap<>();
        for (Header header : headers) {
            grouped.computeIfAbsent(header.key(), k -> new ArrayList<>(1)).add(header.value());
        }
        for (Map.Entry<String, List<byte[]>> entry : grouped.entrySet()) {
            out.writeName(entry.getKey());
            List<byte[]> values = entry.getValue();
            if (values.size() == 1) {
                writeHeaderValue(out, values.get(0));
            } else {
                out.writeStartArray();
                values.forEach(v -> writeHeaderValue(out, v));
                out.writeEndArray();
            }
        }
        out.writeEndObject();
    }

    private static void writeHeaderValue(JsonGenerator out, byte[] value) {
        if (value == null) {
            out.writeNull();
        } else if (isUtf8(value)) {
            out.writeString(new String(value, StandardCharsets.UTF_8));
        } else {
            out.writeStartObject();
            out.writeBinaryProperty("base64", value);
            out.writeEndObject();
        }
    }
}
