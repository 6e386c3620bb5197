package dev.backbone.server.http;

import dev.backbone.client.batch.Header;
import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON produce body in one streaming pass, without building a tree:
 *
 * <pre>
 * {"records": [{"key": "k", "value": &lt;any JSON&gt;, "headers": {"h": "v"}, "partition": 0, "timestamp": 1}]}
 * </pre>
 *
 * <p>The value is stored as its JSON text, byte for byte as the client wrote it (whitespace inside included),
 * so numbers keep their precision. A string, object or array value is not copied out of the body: the record
 * names its range of the body, and the batch builder copies it from there, once. A JSON {@code null} or a missing value is stored as a null value (a
 * tombstone). {@code "valueEncoding": "base64"} (or {@code "keyEncoding"}) says the string is base64 of raw bytes,
 * the form {@link RecordJson} gives back for bytes that are not JSON. Header values are strings, null,
 * {@code {"base64": "..."}}, or an array of those for a repeated key. Unknown members are refused, so a typo never
 * silently drops data.
 *
 * <p>Thread safety: stateless.
 */
public final class JsonProduceParser {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonProduceParser() {
    }

    /**
     * @param body the request body; only {@code [0, length)} is read
     * @throws BackboneException {@link ProblemType#MALFORMED_JSON} naming what is wrong and where
     */
    public static List<ProducedRecord> parse(byte[] body, int length) {
        try (JsonParser parser = JSON.createParser(body, 0, length)) {
            expect(parser, parser.nextToken(), JsonToken.START_OBJECT, "the body must be a JSON object");
            List<ProducedRecord> records = null;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals("records")) {
                    records = parseRecords(parser, body);
                } else {
                    throw malformed(parser, "unknown member '" + name + "'; the body is {\"records\": [...]}");
                }
            }
            if (parser.nextToken() != null) {
                throw malformed(parser, "unexpected content after the JSON object");
            }
            if (records == null || records.isEmpty()) {
                throw new BackboneException(ProblemType.MALFORMED_JSON,
                        "the body must carry a non-empty \"records\" array");
            }
            return records;
        } catch (JacksonException e) {
            throw new BackboneException(ProblemType.MALFORMED_JSON, e.getOriginalMessage() + " at byte "
                    + (e.getLocation() == null ? -1 : e.getLocation().getByteOffset()),
                    Map.of("position", e.getLocation() == null ? -1 : e.getLocation().getByteOffset()));
        }
    }

    /**
     * One record object alone, shaped like one element of the {@code records} array, as a line of a streaming
     * (NDJSON) produce carries it.
     *
     * @param body   the record's JSON; only {@code [0, length)} is read
     * @param number names the record in error messages
     * @throws BackboneException {@link ProblemType#MALFORMED_JSON} naming what is wrong and where
     */
    public static ProducedRecord parseOne(byte[] body, int length, long number) {
        try (JsonParser parser = JSON.createParser(body, 0, length)) {
            parser.nextToken();
            ProducedRecord record = parseRecord(parser, body, (int) Math.min(Integer.MAX_VALUE, number));
            if (parser.nextToken() != null) {
                throw malformed(parser, "unexpected content after the record");
            }
            return record;
        } catch (JacksonException e) {
            throw new BackboneException(ProblemType.MALFORMED_JSON, e.getOriginalMessage() + " at byte "
                    + (e.getLocation() == null ? -1 : e.getLocation().getByteOffset()),
                    Map.of("position", e.getLocation() == null ? -1 : e.getLocation().getByteOffset()));
        }
    }

    private static List<ProducedRecord> parseRecords(JsonParser parser, byte[] body) {
        expect(parser, parser.currentToken(), JsonToken.START_ARRAY, "\"records\" must be an array");
        List<ProducedRecord> records = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            records.add(parseRecord(parser, body, records.size()));
        }
        return records;
    }

    private static ProducedRecord parseRecord(JsonParser parser, byte[] body, int index) {
        expect(parser, parser.currentToken(), JsonToken.START_OBJECT, "record " + index + " must be an object");
        Integer partition = null;
        Long timestamp = null;
        String key = null;
        String keyEncoding = null;
        String valueEncoding = null;
        // The value as a range of the body (or, for a number or literal, of its own array): copied once, into the
        // batch. A repeated member: the last one wins.
        byte[] valueArray = null;
        int valueOffset = 0;
        int valueLength = 0;
        boolean valueIsString = false;
        List<Header> headers = List.of();
        int stringValueStart = -1;
        while (true) {
            JsonToken next = parser.nextToken();
            if (stringValueStart >= 0) {
                valueArray = body;
                valueOffset = stringValueStart;
                valueLength = stringEnd(parser, body, stringValueStart) - stringValueStart;
                stringValueStart = -1;
            }
            if (next != JsonToken.PROPERTY_NAME) {
                break;
            }
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (name) {
                case "key" -> key = token == JsonToken.VALUE_NULL ? null
                        : string(parser, "record " + index + ": \"key\" must be a string or null");
                case "keyEncoding" -> keyEncoding = string(parser, "record " + index + ": \"keyEncoding\"");
                case "valueEncoding" -> valueEncoding = string(parser, "record " + index + ": \"valueEncoding\"");
                case "value" -> {
                    valueIsString = token == JsonToken.VALUE_STRING;
                    valueArray = null;
                    if (valueIsString) {
                        // Cut once the parser has moved past it: see stringEnd.
                        stringValueStart = (int) parser.currentTokenLocation().getByteOffset();
                    } else if (token.isStructStart()) {
                        valueOffset = (int) parser.currentTokenLocation().getByteOffset();
                        parser.skipChildren();
                        valueArray = body;
                        valueLength = (int) parser.currentLocation().getByteOffset() - valueOffset;
                    } else if (token != JsonToken.VALUE_NULL) {
                        // Numbers and literals: their text is what the parser saw.
                        valueArray = parser.getText().getBytes(StandardCharsets.UTF_8);
                        valueOffset = 0;
                        valueLength = valueArray.length;
                    }
                }
                case "headers" -> headers = parseHeaders(parser, index);
                case "partition" -> partition = (int) number(parser, index, "partition", 0, Integer.MAX_VALUE);
                case "timestamp" -> timestamp = number(parser, index, "timestamp", 0, Long.MAX_VALUE);
                default -> throw malformed(parser, "record " + index + ": unknown member '" + name
                        + "'; allowed are key, keyEncoding, value, valueEncoding, headers, partition, timestamp");
            }
        }
        byte[] keyBytes = key == null ? null : decode(parser, index, "key", key, keyEncoding);
        if (valueEncoding != null) {
            if (!valueIsString) {
                throw malformed(parser, "record " + index + ": \"valueEncoding\" needs a string \"value\"");
            }
            byte[] decoded = decode(parser, index, "value", jsonString(valueArray, valueOffset, valueLength),
                    valueEncoding);
            return new ProducedRecord(partition, keyBytes, decoded, headers, timestamp);
        }
        return new ProducedRecord(partition, keyBytes, valueArray, valueOffset, valueLength, headers, timestamp);
    }

    /**
     * One past the closing quote of the string value whose opening quote is at {@code start}, once the parser has
     * moved on to the token after it. The parser has then skipped (and checked) the string, so its end is found by
     * stepping back from the next token over whitespace and at most one comma, instead of scanning the string a
     * second time: a 1 KiB value is stored as the bytes it came in, without ever being decoded or scanned by us.
     */
    private static int stringEnd(JsonParser parser, byte[] body, int start) {
        int i = (int) parser.currentTokenLocation().getByteOffset() - 1;
        i = skipWhitespaceBack(body, start, i);
        if (i > start && body[i] == ',') {
            i = skipWhitespaceBack(body, start, i - 1);
        }
        if (i <= start || body[i] != '"') {
            throw new IllegalStateException("the string value at byte " + start + " does not end before the token at"
                    + " byte " + parser.currentTokenLocation().getByteOffset());
        }
        return i + 1;
    }

    private static int skipWhitespaceBack(byte[] body, int start, int from) {
        int i = from;
        while (i > start && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) {
            i--;
        }
        return i;
    }

    /** The Java string a JSON string literal ({@code "..."}, as cut from the body) stands for. */
    private static String jsonString(byte[] body, int offset, int length) {
        try (JsonParser parser = JSON.createParser(body, offset, length)) {
            parser.nextToken();
            return parser.getString();
        }
    }

    private static List<Header> parseHeaders(JsonParser parser, int index) {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(parser, parser.currentToken(), JsonToken.START_OBJECT, "record " + index
                + ": \"headers\" must be an object");
        List<Header> headers = new ArrayList<>();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            if (parser.nextToken() == JsonToken.START_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    headers.add(new Header(name, headerValue(parser, index, name)));
                }
            } else {
                headers.add(new Header(name, headerValue(parser, index, name)));
            }
        }
        return headers;
    }

    private static byte[] headerValue(JsonParser parser, int index, String name) {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_STRING) {
            return parser.getString().getBytes(StandardCharsets.UTF_8);
        }
        if (token == JsonToken.START_OBJECT && parser.nextToken() == JsonToken.PROPERTY_NAME
                && parser.currentName().equals("base64") && parser.nextToken() == JsonToken.VALUE_STRING) {
            byte[] bytes = decode(parser, index, "header '" + name + "'", parser.getString(), "base64");
            if (parser.nextToken() == JsonToken.END_OBJECT) {
                return bytes;
            }
        }
        throw malformed(parser, "record " + index + ": header '" + name
                + "' must be a string, null, {\"base64\": \"...\"} or an array of those");
    }

    private static byte[] decode(JsonParser parser, int index, String what, String text, String encoding) {
        if (encoding == null || encoding.equals("utf8") || encoding.equals("utf-8")) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (!encoding.equals("base64")) {
            throw malformed(parser, "record " + index + ": encoding of " + what + " must be 'base64' or 'utf8', was '"
                    + encoding + "'");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw malformed(parser, "record " + index + ": " + what + " is not valid base64: " + e.getMessage());
        }
    }

    private static String string(JsonParser parser, String what) {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw malformed(parser, what + " must be a string");
        }
        return parser.getString();
    }

    private static long number(JsonParser parser, int index, String name, long min, long max) {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw malformed(parser, "record " + index + ": \"" + name + "\" must be a whole number");
        }
        long value;
        try {
            value = parser.getLongValue();
        } catch (JacksonException e) {
            throw malformed(parser, "record " + index + ": \"" + name + "\" is out of range");
        }
        if (value < min || value > max) {
            throw malformed(parser, "record " + index + ": \"" + name + "\" must be between " + min + " and " + max
                    + ", was " + value);
        }
        return value;
    }

    private static void expect(JsonParser parser, JsonToken actual, JsonToken expected, String message) {
        if (actual != expected) {
            throw malformed(parser, message);
        }
    }

    private static BackboneException malformed(JsonParser parser, String message) {
        long position = parser.currentTokenLocation().getByteOffset();
        return new BackboneException(ProblemType.MALFORMED_JSON, message + " (at byte " + position + ")",
                Map.of("position", position));
    }
}
