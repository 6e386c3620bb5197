package dev.backbone.client.http;

import dev.backbone.client.batch.Header;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the broker's JSON records (group fetch answers, key stream pages) with a streaming parser, taking each
 * inline JSON value as the exact bytes the broker sent rather than re-serialising a parsed tree: the value a
 * consumer sees is byte for byte the value that was produced, and nothing is built per value but its array.
 *
 * <p>The record shape (the broker's {@code RecordJson}): {@code offset}, {@code timestamp}, {@code key} (a string,
 * or base64 with {@code "keyEncoding": "base64"}), {@code value} (inline JSON, {@code null}, or base64 with
 * {@code "valueEncoding": "base64"}), {@code headers} (an object whose values are a string, {@code null},
 * {@code {"base64": ...}} or an array of those); a group fetch adds {@code topic} and {@code partition}, a key
 * read adds {@code version}. A stored value whose bytes are the JSON text {@code null} reads as a null value, as
 * the JSON form cannot tell them apart; the binary fetch can.
 *
 * <p>Stateless and thread-safe.
 */
final class RecordJsonReader {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RecordJsonReader() {
    }

    /** One record as read, with the members of every variant. */
    record ParsedRecord(String topic, int partition, long version, ConsumedRecord record) {
    }

    /** A group fetch answer, its records sorted into the member's partitions in the order of {@code nextOffsets}. */
    static GroupFetchResult groupFetch(byte[] body) {
        int generation = -1;
        List<ParsedRecord> records = List.of();
        List<long[]> next = new ArrayList<>();
        List<String> nextTopics = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "generation" -> generation = p.getIntValue();
                    case "records" -> records = records(p, body, t);
                    case "nextOffsets" -> nextOffsets(p, t, nextTopics, next);
                    default -> p.skipChildren();
                }
            }
        }
        Map<String, List<ConsumedRecord>> byPartition = new LinkedHashMap<>();
        for (ParsedRecord r : records) {
            byPartition.computeIfAbsent(r.topic() + '\u0000' + r.partition(), k -> new ArrayList<>()).add(r.record());
        }
        List<PartitionRecords> partitions = new ArrayList<>(next.size());
        for (int i = 0; i < next.size(); i++) {
            long[] n = next.get(i);
            String topic = nextTopics.get(i);
            List<ConsumedRecord> own = byPartition.getOrDefault(topic + '\u0000' + (int) n[0], List.of());
            partitions.add(new PartitionRecords(topic, (int) n[0], own, n[1], n[2]));
        }
        return new GroupFetchResult(generation, partitions);
    }

    /** A key stream page. */
    static KeyStreamPage keyStreamPage(byte[] body) {
        String topic = null;
        String key = null;
        int partition = -1;
        long currentVersion = -1;
        long nextVersion = 0;
        List<ParsedRecord> records = List.of();
        try (JsonParser p = JSON.createParser(body)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "topic" -> topic = p.getString();
                    case "partition" -> partition = p.getIntValue();
                    case "key" -> key = p.getString();
                    case "currentVersion" -> currentVersion = p.getLongValue();
                    case "nextVersion" -> nextVersion = p.getLongValue();
                    case "records" -> records = records(p, body, t);
                    default -> p.skipChildren();
                }
            }
        }
        List<VersionedEvent> events = new ArrayList<>(records.size());
        for (ParsedRecord r : records) {
            ConsumedRecord c = r.record();
            events.add(new VersionedEvent(r.version(), c.offset(), c.timestamp(), c.value(), c.headers()));
        }
        return new KeyStreamPage(topic, partition, key, currentVersion, nextVersion, events);
    }

    private static void nextOffsets(JsonParser p, JsonToken t, List<String> topics, List<long[]> next) {
        expect(p, t, JsonToken.START_ARRAY);
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String topic = null;
            long[] entry = new long[3];
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "topic" -> topic = p.getString();
                    case "partition" -> entry[0] = p.getIntValue();
                    case "offset" -> entry[1] = p.getLongValue();
                    case "endOffset" -> entry[2] = p.getLongValue();
                    default -> p.skipChildren();
                }
            }
            topics.add(topic);
            next.add(entry);
        }
    }

    static List<ParsedRecord> records(JsonParser p, byte[] body, JsonToken t) {
        expect(p, t, JsonToken.START_ARRAY);
        List<ParsedRecord> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            out.add(record(p, body));
        }
        return out;
    }

    /** Reads one record object; the parser is on its {@code START_OBJECT} and ends on its {@code END_OBJECT}. */
    static ParsedRecord record(JsonParser p, byte[] body) {
        RecordFields f = new RecordFields();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
            f.closeValueSpan(body, (int) p.currentTokenLocation().getByteOffset());
            String name = p.currentName();
            JsonToken valueToken = p.nextToken();
            switch (name) {
                case "topic" -> f.topic = p.getString();
                case "partition" -> f.partition = p.getIntValue();
                case "version" -> f.version = p.getLongValue();
                case "offset" -> f.offset = p.getLongValue();
                case "timestamp" -> f.timestamp = p.getLongValue();
                case "key" -> f.key = valueToken == JsonToken.VALUE_NULL ? null : p.getString();
                case "keyEncoding" -> f.keyBase64 = "base64".equals(p.getString());
                case "valueEncoding" -> f.valueBase64 = "base64".equals(p.getString());
                case "value" -> f.openValueSpan(p, valueToken);
                case "headers" -> f.headers = headers(p, valueToken);
                default -> p.skipChildren();
            }
        }
        expect(p, t, JsonToken.END_OBJECT);
        f.closeValueSpan(body, (int) p.currentTokenLocation().getByteOffset());
        return new ParsedRecord(f.topic, f.partition, f.version, new ConsumedRecord(f.offset, f.timestamp,
                f.keyBytes(), f.valueBytes(body), f.headers));
    }

    private static List<Header> headers(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(p, t, JsonToken.START_OBJECT);
        List<Header> headers = new ArrayList<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_ARRAY) {
                while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                    headers.add(new Header(name, headerValue(p, v)));
                }
            } else {
                headers.add(new Header(name, headerValue(p, v)));
            }
        }
        return headers;
    }

    private static byte[] headerValue(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.VALUE_STRING) {
            return p.getString().getBytes(StandardCharsets.UTF_8);
        }
        expect(p, t, JsonToken.START_OBJECT);
        byte[] bytes = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            p.nextToken();
            if ("base64".equals(name)) {
                bytes = Base64.getDecoder().decode(p.getString());
            } else {
                p.skipChildren();
            }
        }
        return bytes;
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new BackboneClientException("unexpected JSON from the broker: " + expected + " expected, got "
                    + actual + " at byte " + p.currentTokenLocation().getByteOffset());
        }
    }

    /** The members of one record while it is being read. Not thread-safe; one per record. */
    private static final class RecordFields {
        String topic;
        int partition = -1;
        long version = -1;
        long offset = -1;
        long timestamp = -1;
        String key;
        boolean keyBase64;
        boolean valueBase64;
        List<Header> headers = List.of();
        boolean valueNull = true;
        String valueString;
        int valueStart = -1;
        int valueEnd = -1;

        void openValueSpan(JsonParser p, JsonToken t) {
            valueNull = t == JsonToken.VALUE_NULL;
            valueStart = (int) p.currentTokenLocation().getByteOffset();
            if (t == JsonToken.VALUE_STRING) {
                valueString = p.getString();
            }
            p.skipChildren();
        }

        /**
         * Ends the value's span at the token after it ({@code position}: the next member or the closing brace),
         * less the separating comma and white space.
         */
        void closeValueSpan(byte[] body, int position) {
            if (valueStart < 0 || valueEnd >= 0) {
                return;
            }
            int end = position - 1;
            while (end > valueStart && isWhitespace(body[end])) {
                end--;
            }
            if (body[end] == ',') {
                end--;
                while (end > valueStart && isWhitespace(body[end])) {
                    end--;
                }
            }
            valueEnd = end + 1;
        }

        byte[] keyBytes() {
            if (key == null) {
                return null;
            }
            return keyBase64 ? Base64.getDecoder().decode(key) : key.getBytes(StandardCharsets.UTF_8);
        }

        byte[] valueBytes(byte[] body) {
            if (valueNull || valueStart < 0) {
                return null;
            }
            if (valueBase64 && valueString != null) {
                return Base64.getDecoder().decode(valueString);
            }
            return Arrays.copyOfRange(body, valueStart, valueEnd);
        }

        private static boolean isWhitespace(byte b) {
            return b == ' ' || b == '\n' || b == '\r' || b == '\t';
        }
    }
}
