package dev.backbone.server.http.cloudevents;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.Record;

/**
 * Stores CloudEvents the way the CloudEvents Kafka protocol binding 1.0 stores binary-mode events, and reads them
 * back.
 *
 * <p>Every attribute becomes a header {@code ce_<name>} with the attribute's value in UTF-8, except
 * {@code datacontenttype}, which becomes the header {@code content-type}; the data is the record value (absent data
 * is a null value); the {@code partitionkey} extension is also the record key, so events with the same partition
 * key land on the same partition and form one key stream. The record timestamp is the broker's (the {@code time}
 * attribute stays an attribute: event times need not grow, the log's timestamps should).
 *
 * <p>A record carries a CloudEvent when it has a {@code ce_specversion} header. Any other record is rendered as
 * a synthesized event so that a CloudEvents consumer sees every offset: {@code id} {@code <topic>-<partition>-<offset>},
 * {@code source} {@code /v1/topics/<topic>/partitions/<partition>}, {@code type} {@value #SYNTHESIZED_TYPE},
 * {@code time} the record timestamp, {@code partitionkey} the key when it is UTF-8, {@code datacontenttype} from a
 * {@code content-type} header if there is one, and the value as data. Its other headers are not carried.
 *
 * <p>Thread safety: stateless.
 */
public final class CloudEventKafkaMapping {

    public static final String HEADER_PREFIX = "ce_";
    public static final String CONTENT_TYPE_HEADER = "content-type";
    public static final String SYNTHESIZED_TYPE = "dev.backbone.record";

    private CloudEventKafkaMapping() {
    }

    /** The record headers for {@code event}, in attribute order. */
    public static List<Header> headers(CloudEvent event) {
        List<Header> headers = new ArrayList<>(event.attributes().size());
        for (Map.Entry<String, String> attribute : event.attributes().entrySet()) {
            String name = attribute.getKey().equals(CloudEventAttributes.DATACONTENTTYPE)
                    ? CONTENT_TYPE_HEADER : HEADER_PREFIX + attribute.getKey();
            headers.add(new Header(name, attribute.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        return headers;
    }

    /** The record key: the {@code partitionkey} extension in UTF-8, or null. */
    public static byte[] key(CloudEvent event) {
        String partitionKey = event.partitionKey();
        return partitionKey == null ? null : partitionKey.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the record was stored from a CloudEvent. */
    public static boolean isCloudEvent(Record record) {
        for (Header header : record.headers()) {
            if (header.key().equals(HEADER_PREFIX + CloudEventAttributes.SPECVERSION) && header.value() != null) {
                return true;
            }
        }
        return false;
    }

    /** The event a record holds, or a synthesized one (see the class comment) when it holds none. */
    public static CloudEvent fromRecord(String topic, int partition, Record record) {
        if (isCloudEvent(record)) {
            Map<String, String> attributes = new LinkedHashMap<>();
            for (Header header : record.headers()) {
                if (header.value() == null) {
                    continue;
                }
                String value = new String(header.value(), StandardCharsets.UTF_8);
                if (header.key().startsWith(HEADER_PREFIX) && header.key().length() > HEADER_PREFIX.length()) {
                    attributes.putIfAbsent(header.key().substring(HEADER_PREFIX.length()), value);
                } else if (header.key().equalsIgnoreCase(CONTENT_TYPE_HEADER)) {
                    attributes.putIfAbsent(CloudEventAttributes.DATACONTENTTYPE, value);
                }
            }
            return new CloudEvent(attributes, record.value());
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(CloudEventAttributes.SPECVERSION, CloudEventAttributes.SUPPORTED_SPECVERSION);
        attributes.put(CloudEventAttributes.ID, topic + "-" + partition + "-" + record.offset());
        attributes.put(CloudEventAttributes.SOURCE, "/v1/topics/" + topic + "/partitions/" + partition);
        attributes.put(CloudEventAttributes.TYPE, SYNTHESIZED_TYPE);
        attributes.put(CloudEventAttributes.TIME, Instant.ofEpochMilli(record.timestamp()).toString());
        for (Header header : record.headers()) {
            if (header.key().equalsIgnoreCase(CONTENT_TYPE_HEADER) && header.value() != null) {
                attributes.put(CloudEventAttributes.DATACONTENTTYPE, new String(header.value(), StandardCharsets.UTF_8));
                break;
            }
        }
        String key = record.key() == null ? null : utf8(record.key());
        if (key != null) {
            attributes.put(CloudEventAttributes.PARTITIONKEY, key);
        }
        return new CloudEvent(attributes, record.value());
    }

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
}
