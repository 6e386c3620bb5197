package dev.backbone.server.http.cloudevents;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CloudEvents JSON event format 1.0: reads structured ({@code application/cloudevents+json}) and batched
 * ({@code application/cloudevents-batch+json}) bodies into {@link CloudEvent}s and writes them back.
 *
 * <p>Reading streams over the body without building a tree. {@code data} keeps the exact bytes the client sent when
 * the event's content type is JSON (absent {@code datacontenttype} means JSON), so numbers and key order survive as
 * written; for another content type a JSON string {@code data} is stored as the string's UTF-8 bytes (text data),
 * and {@code data_base64} is stored decoded. Extension values that are JSON booleans or integers are kept as their
 * text.
 *
 * <p>Writing picks the most readable member for the stored bytes: {@code data} as inline JSON when the content type
 * is JSON and the bytes are valid JSON, {@code data} as a string when the content type is textual and the bytes are
 * valid UTF-8, and {@code data_base64} otherwise.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
public final class CloudEventJson {

    public static final String STRUCTURED_MEDIA_TYPE = "application/cloudevents+json";
    public static final String BATCH_MEDIA_TYPE = "application/cloudevents-batch+json";

    private static final String DATA = "data";
    private static final String DATA_BASE64 = "data_base64";

    private final JsonMapper mapper;

    public CloudEventJson(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** One structured-mode event. */
    public CloudEvent readStructured(byte[] body) {
        try (JsonParser parser = mapper.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidCloudEventException(-1, null, "a structured CloudEvent must be a JSON object");
            }
            CloudEvent event = readEvent(parser, body, -1);
            expectEnd(parser);
            return event;
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /** A batch: a JSON array of structured events, possibly empty. */
    public List<CloudEvent> readBatch(byte[] body) {
        try (JsonParser parser = mapper.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new InvalidCloudEventException(-1, null, "a CloudEvents batch must be a JSON array");
            }
            List<CloudEvent> events = new ArrayList<>();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token != JsonToken.START_OBJECT) {
                    throw new InvalidCloudEventException(events.size(), null, "each event must be a JSON object");
                }
                events.add(readEvent(parser, body, events.size()));
            }
            expectEnd(parser);
            return events;
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /** Writes events as a batch: a JSON array of structured events. */
    public byte[] writeBatch(List<CloudEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * Math.max(1, events.size()));
        try (JsonGenerator generator = mapper.createGenerator(out)) {
            generator.writeStartArray();
            for (CloudEvent event : events) {
                write(event, generator);
            }
            generator.writeEndArray();
        }
        return out.toByteArray();
    }

    /** Writes one structured event. */
    public byte[] writeStructured(CloudEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = mapper.createGenerator(out)) {
            write(event, generator);
        }
        return out.toByteArray();
    }

    private void write(CloudEvent event, JsonGenerator generator) {
        generator.writeStartObject();
        for (Map.Entry<String, String> attribute : event.attributes().entrySet()) {
            generator.writeStringProperty(attribute.getKey(), attribute.getValue());
        }
        byte[] data = event.data();
        if (data != null) {
            String contentType = event.dataContentType();
            String text = CloudEventAttributes.isJson(contentType) || isText(contentType) ? utf8(data) : null;
            if (text != null && CloudEventAttributes.isJson(contentType) && isJson(data)) {
                generator.writeName(DATA);
                generator.writeRawValue(text);
            } else if (text != null && isText(contentType)) {
                generator.writeStringProperty(DATA, text);
            } else {
                generator.writeStringProperty(DATA_BASE64, Base64.getEncoder().encodeToString(data));
            }
        }
        generator.writeEndObject();
    }

    private CloudEvent readEvent(JsonParser parser, byte[] body, int index) {
        Map<String, String> attributes = new LinkedHashMap<>();
        long dataStart = -1;
        long dataEnd = -1;
        String dataString = null;
        byte[] dataBase64 = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue; // null means "not set" in the JSON format
            }
            if (DATA.equals(name)) {
                dataStart = parser.currentTokenLocation().getByteOffset();
                if (value.isStructStart()) {
                    parser.skipChildren();
                } else {
                    parser.finishToken();
                }
                dataEnd = parser.currentLocation().getByteOffset();
                dataString = value == JsonToken.VALUE_STRING ? parser.getString() : null;
            } else if (DATA_BASE64.equals(name)) {
                if (value != JsonToken.VALUE_STRING) {
                    throw new InvalidCloudEventException(index, DATA_BASE64, "data_base64 must be a string");
                }
                try {
                    dataBase64 = Base64.getDecoder().decode(parser.getString());
                } catch (IllegalArgumentException e) {
                    throw new InvalidCloudEventException(index, DATA_BASE64, "data_base64 is not valid base64: "
                            + e.getMessage());
                }
            } else {
                CloudEventAttributes.validateName(name, index);
                attributes.put(name, attributeValue(parser, value, name, index));
            }
        }
        CloudEventAttributes.validate(attributes, index);
        if (dataStart >= 0 && dataBase64 != null) {
            throw new InvalidCloudEventException(index, DATA, "an event may carry data or data_base64, not both");
        }
        byte[] data = dataBase64;
        if (dataStart >= 0) {
            if (dataString != null && !CloudEventAttributes.isJson(attributes.get(CloudEventAttributes.DATACONTENTTYPE))) {
                data = dataString.getBytes(StandardCharsets.UTF_8);
            } else {
                data = Arrays.copyOfRange(body, (int) dataStart, (int) dataEnd);
            }
        }
        return new CloudEvent(attributes, data);
    }

    private static String attributeValue(JsonParser parser, JsonToken value, String name, int index) {
        switch (value) {
            case VALUE_STRING:
                return parser.getString();
            case VALUE_TRUE:
                return "true";
            case VALUE_FALSE:
                return "false";
            case VALUE_NUMBER_INT:
                return parser.getString();
            default:
                throw new InvalidCloudEventException(index, name, "attribute '" + name
                        + "' must be a string, a boolean or an integer, was " + describe(value));
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }

    private static void expectEnd(JsonParser parser) {
        if (parser.nextToken() != null) {
            throw new InvalidCloudEventException(-1, null, "unexpected content after the JSON value at byte "
                    + parser.currentTokenLocation().getByteOffset());
        }
    }

    private boolean isJson(byte[] bytes) {
        try (JsonParser parser = mapper.createParser(bytes)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (JacksonException e) {
            return false;
        }
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        if (semicolon >= 0) {
            type = type.substring(0, semicolon);
        }
        type = type.trim();
        return type.startsWith("text/") || type.equals("application/xml") || type.endsWith("+xml");
    }

    /** The bytes as a string when they are valid UTF-8, else null. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static InvalidCloudEventException malformed(JacksonException e) {
        return new InvalidCloudEventException(-1, null, "malformed JSON: " + e.getOriginalMessage()
                + (e.getLocation() != null ? " at byte " + e.getLocation().getByteOffset() : ""));
    }
}
