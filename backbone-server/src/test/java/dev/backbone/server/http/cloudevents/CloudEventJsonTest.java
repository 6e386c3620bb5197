package dev.backbone.server.http.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CloudEventJsonTest {

    private static final String REQUIRED = "\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/orders\",\"type\":\"order.created\"";

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final CloudEventJson json = new CloudEventJson(mapper);

    @Test
    void jsonDataKeepsTheBytesAsSent() {
        CloudEvent event = json.readStructured(bytes("{" + REQUIRED
                + ",\"datacontenttype\":\"application/json\",\"data\": {\"total\": 10.50, \"items\":[1,2]} ,\"x\":1}"));

        assertThat(event.attributes()).containsExactly(Map.entry("specversion", "1.0"), Map.entry("id", "e-1"),
                Map.entry("source", "/orders"), Map.entry("type", "order.created"),
                Map.entry("datacontenttype", "application/json"), Map.entry("x", "1"));
        assertThat(text(event.data())).isEqualTo("{\"total\": 10.50, \"items\":[1,2]}");
    }

    @Test
    void scalarJsonDataIsStoredAsJsonText() {
        assertThat(text(json.readStructured(bytes("{" + REQUIRED + ",\"data\":\"hi \\\"there\\\"\"}")).data()))
                .isEqualTo("\"hi \\\"there\\\"\"");
        assertThat(text(json.readStructured(bytes("{" + REQUIRED + ",\"data\":-12.5e3}")).data())).isEqualTo("-12.5e3");
        assertThat(text(json.readStructured(bytes("{\"data\":true," + REQUIRED + "}")).data())).isEqualTo("true");
        assertThat(json.readStructured(bytes("{" + REQUIRED + ",\"data\":null}")).data()).isNull();
    }

    @Test
    void textDataIsStoredAsTheString() {
        CloudEvent event = json.readStructured(bytes("{" + REQUIRED
                + ",\"datacontenttype\":\"text/plain; charset=utf-8\",\"data\":\"h\\u00e9llo\\n\"}"));
        assertThat(text(event.data())).isEqualTo("héllo\n");
    }

    @Test
    void base64DataIsStoredDecoded() {
        CloudEvent event = json.readStructured(bytes("{" + REQUIRED
                + ",\"datacontenttype\":\"application/octet-stream\",\"data_base64\":\"AAEC/w==\"}"));
        assertThat(event.data()).containsExactly(0, 1, 2, 255);
    }

    @Test
    void requiredAttributesAreChecked() {
        assertThatThrownBy(() -> json.readStructured(bytes("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\"}")))
                .isInstanceOf(InvalidCloudEventException.class)
                .hasMessageContaining("required attribute 'source' is missing")
                .satisfies(e -> assertThat(((InvalidCloudEventException) e).attribute()).isEqualTo("source"));
        assertThatThrownBy(() -> json.readStructured(bytes("{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"s\",\"type\":\"t\"}")))
                .hasMessageContaining("specversion '0.3' is not supported");
        assertThatThrownBy(() -> json.readStructured(bytes("{\"id\":\"1\",\"source\":\"s\",\"type\":\"t\"}")))
                .hasMessageContaining("'specversion' is missing");
        assertThatThrownBy(() -> json.readStructured(bytes("{" + REQUIRED.replace("\"e-1\"", "\"\"") + "}")))
                .hasMessageContaining("'id' is empty");
    }

    @Test
    void badAttributesAreRefused() {
        assertThatThrownBy(() -> json.readStructured(bytes("{" + REQUIRED + ",\"Bad_Name\":\"x\"}")))
                .hasMessageContaining("attribute name 'Bad_Name'");
        assertThatThrownBy(() -> json.readStructured(bytes("{" + REQUIRED + ",\"ext\":{\"a\":1}}")))
                .hasMessageContaining("must be a string, a boolean or an integer, was an object");
        assertThatThrownBy(() -> json.readStructured(bytes("{" + REQUIRED + ",\"time\":\"yesterday\"}")))
                .hasMessageContaining("RFC 3339");
        assertThatThrownBy(() -> json.readStructured(bytes("{" + REQUIRED + ",\"data\":1,\"data_base64\":\"AA==\"}")))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> json.readStructured(bytes("{" + REQUIRED + ",\"data_base64\":\"***\"}")))
                .hasMessageContaining("not valid base64");
    }

    @Test
    void malformedJsonIsACloudEventError() {
        assertThatThrownBy(() -> json.readStructured(bytes("{" + REQUIRED + ",")))
                .isInstanceOf(InvalidCloudEventException.class).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> json.readStructured(bytes("[]")))
                .isInstanceOf(InvalidCloudEventException.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> json.readStructured(bytes("{" + REQUIRED + "} {}")))
                .isInstanceOf(InvalidCloudEventException.class).hasMessageContaining("unexpected content");
    }

    @Test
    void aBatchNamesTheEventAtFault() {
        List<CloudEvent> events = json.readBatch(bytes("[{" + REQUIRED + ",\"data\":[1]}, {" + REQUIRED
                .replace("e-1", "e-2") + "}]"));
        assertThat(events).extracting(CloudEvent::id).containsExactly("e-1", "e-2");
        assertThat(text(events.get(0).data())).isEqualTo("[1]");
        assertThat(events.get(1).data()).isNull();
        assertThat(json.readBatch(bytes("[]"))).isEmpty();

        assertThatThrownBy(() -> json.readBatch(bytes("[{" + REQUIRED + "}, {\"specversion\":\"1.0\"}]")))
                .isInstanceOf(InvalidCloudEventException.class).hasMessageStartingWith("event 1: ")
                .satisfies(e -> assertThat(((InvalidCloudEventException) e).eventIndex()).isEqualTo(1));
    }

    @Test
    void writingPicksInlineJsonTextOrBase64() {
        CloudEvent jsonEvent = json.readStructured(bytes("{" + REQUIRED + ",\"data\":{\"a\":[1,2.50]}}"));
        CloudEvent textEvent = json.readStructured(bytes("{" + REQUIRED
                + ",\"datacontenttype\":\"text/plain\",\"data\":\"line\"}"));
        CloudEvent binaryEvent = json.readStructured(bytes("{" + REQUIRED
                + ",\"datacontenttype\":\"application/octet-stream\",\"data_base64\":\"/wA=\"}"));
        CloudEvent notJson = new CloudEvent(jsonEvent.attributes(), bytes("{not json"));

        byte[] batch = json.writeBatch(List.of(jsonEvent, textEvent, binaryEvent, notJson));
        JsonNode written = mapper.readTree(batch);

        assertThat(text(batch)).contains("\"data\":{\"a\":[1,2.50]}");
        assertThat(written.get(0).get("id").stringValue()).isEqualTo("e-1");
        assertThat(written.get(1).get("data").stringValue()).isEqualTo("line");
        assertThat(written.get(2).get("data_base64").stringValue()).isEqualTo("/wA=");
        assertThat(written.get(2).has("data")).isFalse();
        assertThat(written.get(3).get("data_base64").stringValue()).isEqualTo("e25vdCBqc29u");
    }

    @Test
    void structuredEventsRoundTrip() {
        String source = "{" + REQUIRED + ",\"subject\":\"o-1\",\"time\":\"2026-12-01T06:00:00Z\",\"partitionkey\":\"o-1\","
                + "\"data\":{\"n\":1}}";
        CloudEvent event = json.readStructured(bytes(source));
        assertThat(json.readStructured(json.writeStructured(event))).isEqualTo(event);
        assertThat(mapper.readTree(json.writeStructured(event))).isEqualTo(mapper.readTree(source));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
