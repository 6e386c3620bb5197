package dev.backbone.server.http.cloudevents;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The CloudEvents 1.0 attribute names and the rules every event must pass, whichever binding it came in.
 *
 * <p>Thread safety: stateless.
 */
public final class CloudEventAttributes {

    public static final String SPECVERSION = "specversion";
    public static final String ID = "id";
    public static final String SOURCE = "source";
    public static final String TYPE = "type";
    public static final String DATACONTENTTYPE = "datacontenttype";
    public static final String DATASCHEMA = "dataschema";
    public static final String SUBJECT = "subject";
    public static final String TIME = "time";
    /** The Partitioning extension: the record key. */
    public static final String PARTITIONKEY = "partitionkey";

    public static final String SUPPORTED_SPECVERSION = "1.0";

    private CloudEventAttributes() {
    }

    /**
     * Checks a complete attribute set.
     *
     * @param eventIndex the event's position in a batch, or -1, for the error message
     * @throws InvalidCloudEventException naming the first rule broken
     */
    public static void validate(Map<String, String> attributes, int eventIndex) {
        for (String name : attributes.keySet()) {
            validateName(name, eventIndex);
        }
        String specVersion = attributes.get(SPECVERSION);
        if (specVersion == null) {
            throw new InvalidCloudEventException(eventIndex, SPECVERSION, "required attribute 'specversion' is missing");
        }
        if (!SUPPORTED_SPECVERSION.equals(specVersion)) {
            throw new InvalidCloudEventException(eventIndex, SPECVERSION,
                    "specversion '" + specVersion + "' is not supported; use '1.0'");
        }
        for (String required : new String[] {ID, SOURCE, TYPE}) {
            String value = attributes.get(required);
            if (value == null || value.isEmpty()) {
                throw new InvalidCloudEventException(eventIndex, required,
                        "required attribute '" + required + "' is " + (value == null ? "missing" : "empty"));
            }
        }
        String time = attributes.get(TIME);
        if (time != null) {
            try {
                OffsetDateTime.parse(time);
            } catch (DateTimeParseException e) {
                throw new InvalidCloudEventException(eventIndex, TIME, "time '" + time + "' is not an RFC 3339 timestamp");
            }
        }
        for (String optional : new String[] {DATACONTENTTYPE, DATASCHEMA, SUBJECT}) {
            String value = attributes.get(optional);
            if (value != null && value.isEmpty()) {
                throw new InvalidCloudEventException(eventIndex, optional, "attribute '" + optional + "' is empty");
            }
        }
    }

    /** Attribute names are lower-case ASCII letters and digits (CloudEvents 1.0, "Attribute Naming Convention"). */
    public static void validateName(String name, int eventIndex) {
        if (name.isEmpty()) {
            throw new InvalidCloudEventException(eventIndex, name, "an attribute name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                throw new InvalidCloudEventException(eventIndex, name,
                        "attribute name '" + name + "' may hold only lower-case letters a-z and digits");
            }
        }
    }

    /**
     * Whether a media type is JSON: {@code application/json}, {@code text/json} or any {@code +json} suffix. No
     * media type (null) counts as JSON, as the JSON event format says of an event without {@code datacontenttype}.
     */
    public static boolean isJson(String mediaType) {
        if (mediaType == null) {
            return true;
        }
        String base = mediaType.toLowerCase(Locale.ROOT);
        int semicolon = base.indexOf(';');
        if (semicolon >= 0) {
            base = base.substring(0, semicolon);
        }
        base = base.trim();
        return base.equals("application/json") || base.equals("text/json") || base.endsWith("+json");
    }
}
