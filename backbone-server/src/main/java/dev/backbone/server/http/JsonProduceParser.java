package dev.backbone.server.http;

import dev.backbone.client.batch.Header;
import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 * so numbers keep their precision. A JSON {@code null} or a missing value is stored as a null value (a
 * tombstone). {@code "valueEncoding": "base64"} (or {@code "keyEncoding"}) says the string is base64 of raw bytes,
 * the form {@link RecordJson} gives back for bytes that are not JSON. Header values are strings, null,
 * {@code {"base64": "..."}}, or an array of those for a repeated key. Unknown members are refused, so a typo never
 * silently drops data.
 *
 * <p>Thread safety: stateless.
 */
public final class JsonProduceParser {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

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
        byte[] value = null;
        boolean valueIsString = false;
        List<Header> headers = List.of();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (name) {
                case "key" -> key = token == JsonToken.VALUE_NULL ? null
                        : string(parser, "record " + index + ": \"key\" must be a string or null");
                case "keyEncoding" -> keyEncoding = string(parser, "record " + index + ": \"keyEncoding\"");
                case "valueEncoding" -> valueEncoding = string(parser, "record " + index + ": \"valueEncoding\"");
                case "value" -> {
                    valueIsString = token == JsonToken.VALUE_STRING;
                    value = rawValue(parser, body, token);
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
            value = decode(parser, index, "value", jsonString(value), valueEncoding);
        }
        return new ProducedRecord(partition, keyBytes, value, headers, timestamp);
    }

    /** The value's own JSON text, cut from the body; null for JSON null. */
    private static byte[] rawValue(JsonParser parser, byte[] body, JsonToken token) {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        int start = (int) parser.currentTokenLocation().getByteOffset();
        int end;
        if (token.isStructStart()) {
            parser.skipChildren();
            end = (int) parser.currentLocation().getByteOffset();
        } else if (token == JsonToken.VALUE_STRING) {
            end = stringEnd(parser, body, start);
        } else {
            // Numbers and literals: their text is what the parser saw.
            return parser.getText().getBytes(StandardCharsets.UTF_8);
        }
        return Arrays.copyOfRange(body, start, end);
    }

    /**
     * One past the closing quote of the string whose opening quote is at {@code start}, found by a byte scan
     * rather than by decoding the string into a Java {@code String}: a 1 KiB value is stored as the bytes it came
     * in, so decoding it would only make garbage. The parser still reads (and checks) the string when it moves
     * on to the next token.
     */
    private static int stringEnd(JsonParser parser, byte[] body, int start) {
        // Bytes past the body's length may be scanned here; a string that does not end within the length still
        // fails, when the parser, which reads only up to the length, moves on.
        int i = start + 1;
        // Eight bytes at a time while none of them is a quote or a backslash (SWAR: a zero byte of x ^ pattern
        // marks a match), then byte by byte from the first candidate.
        while (i + Long.BYTES <= body.length) {
            long word = (long) LONGS.get(body, i);
            if (hasZeroByte(word ^ QUOTES) || hasZeroByte(word ^ BACKSLASHES)) {
                break;
            }
            i += Long.BYTES;
        }
        for (; i < body.length; i++) {
            byte b = body[i];
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                i++;
            }
        }
        throw malformed(parser, "unterminated string");
    }

    private static boolean hasZeroByte(long word) {
        return ((word - 0x0101010101010101L) & ~word & 0x8080808080808080L) != 0;
    }

    /** The Java string a JSON string literal ({@code "..."}, as cut from the body) stands for. */
    private static String jsonString(byte[] literal) {
        try (JsonParser parser = JSON.createParser(literal)) {
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
