package dev.backbone.server.http.cloudevents;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CloudEvents HTTP protocol binding 1.0, binary content mode: attributes in {@code ce-<name>} request headers,
 * {@code Content-Type} as {@code datacontenttype}, the body as data.
 *
 * <p>A request is in binary mode when it carries a {@code ce-specversion} header, whatever its content type (JSON
 * included). Header values are percent-decoded as the binding requires (a {@code %} followed by two hex digits is
 * one UTF-8 byte). An empty body is an event without data.
 *
 * <p>Thread safety: stateless.
 */
public final class CloudEventHttpBinary {

    public static final String HEADER_PREFIX = "ce-";
    public static final String SPECVERSION_HEADER = HEADER_PREFIX + CloudEventAttributes.SPECVERSION;

    private CloudEventHttpBinary() {
    }

    /** Whether request headers put the request in binary mode. */
    public static boolean isBinaryMode(Map<String, List<String>> headers) {
        for (String name : headers.keySet()) {
            if (name.equalsIgnoreCase(SPECVERSION_HEADER)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The event of a binary-mode request.
     *
     * @param headers     every request header (names in any case)
     * @param contentType the {@code Content-Type} header, or null
     * @param body        the request body, possibly empty
     * @throws InvalidCloudEventException when an attribute breaks the rules or appears twice
     */
    public static CloudEvent read(Map<String, List<String>> headers, String contentType, byte[] body) {
        Map<String, String> attributes = new LinkedHashMap<>();
        // The required attributes first, so that stored headers read in a familiar order.
        for (String required : new String[] {CloudEventAttributes.SPECVERSION, CloudEventAttributes.ID,
                CloudEventAttributes.SOURCE, CloudEventAttributes.TYPE}) {
            String value = single(headers, HEADER_PREFIX + required);
            if (value != null) {
                attributes.put(required, percentDecode(value, required));
            }
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith(HEADER_PREFIX) || attributes.containsKey(name.substring(HEADER_PREFIX.length()))) {
                continue;
            }
            String attribute = name.substring(HEADER_PREFIX.length());
            if (attribute.equals(CloudEventAttributes.DATACONTENTTYPE)) {
                continue; // the binding carries it in Content-Type only
            }
            CloudEventAttributes.validateName(attribute, -1);
            attributes.put(attribute, percentDecode(single(headers, name), attribute));
        }
        if (contentType != null && !contentType.isBlank()) {
            attributes.put(CloudEventAttributes.DATACONTENTTYPE, contentType);
        }
        CloudEventAttributes.validate(attributes, -1);
        return new CloudEvent(attributes, body == null || body.length == 0 ? null : body);
    }

    private static String single(Map<String, List<String>> headers, String name) {
        String found = null;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                for (String value : header.getValue()) {
                    if (found != null) {
                        throw new InvalidCloudEventException(-1, name.substring(HEADER_PREFIX.length()),
                                "header '" + name + "' appears more than once");
                    }
                    found = value;
                }
            }
        }
        return found;
    }

    static String percentDecode(String value, String attribute) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        int runStart = 0;
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) != '%') {
                continue;
            }
            byte[] run = value.substring(runStart, i).getBytes(StandardCharsets.UTF_8);
            out.write(run, 0, run.length);
            int high = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
            int low = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0) {
                throw new InvalidCloudEventException(-1, attribute, "header value of '" + attribute
                        + "' has a bad percent escape at character " + i);
            }
            out.write(high * 16 + low);
            i += 2;
            runStart = i + 1;
        }
        byte[] rest = value.substring(runStart).getBytes(StandardCharsets.UTF_8);
        out.write(rest, 0, rest.length);
        return out.toString(StandardCharsets.UTF_8);
    }
}
