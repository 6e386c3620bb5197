package dev.backbone.server.http.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDecoder;

class CloudEventKafkaMappingTest {

    @Test
    void attributesBecomeCeHeadersAndThePartitionKeyTheKey() {
        CloudEvent event = event(Map.of("datacontenttype", "application/json", "partitionkey", "order-7"), "{}");

        List<Header> headers = CloudEventKafkaMapping.headers(event);

        assertThat(headers).extracting(Header::key).containsExactly("ce_specversion", "ce_id", "ce_source", "ce_type",
                "content-type", "ce_partitionkey");
        assertThat(headers.get(4).value()).isEqualTo(bytes("application/json"));
        assertThat(CloudEventKafkaMapping.key(event)).isEqualTo(bytes("order-7"));
        assertThat(CloudEventKafkaMapping.key(event(Map.of(), null))).isNull();
    }

    @Test
    void anEventSurvivesTheRecordBatchFormat() {
        CloudEvent event = event(Map.of("datacontenttype", "text/plain", "subject", "ü", "partitionkey", "k"), "hello");
        ByteArrayRecord stored = store(CloudEventKafkaMapping.key(event), event.data(),
                CloudEventKafkaMapping.headers(event));

        assertThat(CloudEventKafkaMapping.isCloudEvent(stored.record)).isTrue();
        assertThat(CloudEventKafkaMapping.fromRecord("orders", 0, stored.record)).isEqualTo(event);
    }

    @Test
    void otherRecordsAreSynthesized() {
        ByteArrayRecord stored = store(bytes("k1"), bytes("{\"a\":1}"),
                List.of(new Header("content-type", bytes("application/json")), new Header("trace", bytes("x"))));

        CloudEvent event = CloudEventKafkaMapping.fromRecord("orders", 2, stored.record);

        assertThat(CloudEventKafkaMapping.isCloudEvent(stored.record)).isFalse();
        assertThat(event.attributes()).containsExactly(Map.entry("specversion", "1.0"), Map.entry("id", "orders-2-0"),
                Map.entry("source", "/v1/topics/orders/partitions/2"), Map.entry("type", "dev.backbone.record"),
                Map.entry("time", "2026-12-01T06:00:00Z"), Map.entry("datacontenttype", "application/json"),
                Map.entry("partitionkey", "k1"));
        assertThat(event.data()).isEqualTo(bytes("{\"a\":1}"));
        CloudEventAttributes.validate(event.attributes(), -1);
    }

    @Test
    void binaryModeReadsPercentEncodedHeadersAndTheContentType() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Length", List.of("2"));
        headers.put("ce-subject", List.of("caf%C3%A9 %25"));
        headers.put("CE-Type", List.of("t"));
        headers.put("ce-source", List.of("/s"));
        headers.put("ce-id", List.of("1"));
        headers.put("Ce-Specversion", List.of("1.0"));
        assertThat(CloudEventHttpBinary.isBinaryMode(headers)).isTrue();

        CloudEvent event = CloudEventHttpBinary.read(headers, "application/json", bytes("{}"));

        assertThat(event.attributes()).containsExactly(Map.entry("specversion", "1.0"), Map.entry("id", "1"),
                Map.entry("source", "/s"), Map.entry("type", "t"), Map.entry("subject", "café %"),
                Map.entry("datacontenttype", "application/json"));
        assertThat(event.data()).isEqualTo(bytes("{}"));
        assertThat(CloudEventHttpBinary.read(headers, null, new byte[0]).data()).isNull();
    }

    @Test
    void binaryModeValidates() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("ce-specversion", List.of("1.0"));
        headers.put("ce-id", List.of("1"));
        headers.put("ce-type", List.of("t"));
        assertThat(CloudEventHttpBinary.isBinaryMode(Map.of("content-type", List.of("application/json")))).isFalse();
        assertThatThrownBy(() -> CloudEventHttpBinary.read(headers, null, null))
                .isInstanceOf(InvalidCloudEventException.class).hasMessageContaining("'source' is missing");
        headers.put("ce-source", List.of("/s"));
        headers.put("ce-bad%", List.of("x"));
        assertThatThrownBy(() -> CloudEventHttpBinary.read(headers, null, null))
                .hasMessageContaining("attribute name 'bad%'");
        headers.remove("ce-bad%");
        headers.put("ce-subject", List.of("%G1"));
        assertThatThrownBy(() -> CloudEventHttpBinary.read(headers, null, null))
                .hasMessageContaining("bad percent escape");
    }

    private static CloudEvent event(Map<String, String> extra, String data) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", "1.0");
        attributes.put("id", "e-1");
        attributes.put("source", "/orders");
        attributes.put("type", "order.created");
        extra.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> attributes.put(e.getKey(), e.getValue()));
        return new CloudEvent(attributes, data == null ? null : bytes(data));
    }

    private record ByteArrayRecord(Record record) {
    }

    private static ByteArrayRecord store(byte[] key, byte[] value, List<Header> headers) {
        long time = java.time.Instant.parse("2026-12-01T06:00:00Z").toEpochMilli();
        List<Record> records = RecordBatchDecoder.decodeAll(new RecordBatchBuilder().add(time, key, value, headers).build());
        return new ByteArrayRecord(records.get(0));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
