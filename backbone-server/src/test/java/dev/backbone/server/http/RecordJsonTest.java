package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.Record;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RecordJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[1,2]", "\"s\"", "1", "-1.5e3", "true", "null", " {\"a\": [ ] } "})
    void oneJsonTextIsJson(String text) {
        assertThat(RecordJson.isJson(text.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "1 2", "{", "{}}", "[1,]", "'single'", "{\"a\":1}x"})
    void otherBytesAreNot(String text) {
        assertThat(RecordJson.isJson(text.getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void invalidUtf8IsDetected() {
        assertThat(RecordJson.isUtf8("plain".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(RecordJson.isUtf8("caf\u00e9 \u20ac".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(RecordJson.isUtf8(new byte[] {(byte) 0xc3})).isFalse();
        assertThat(RecordJson.isUtf8(new byte[] {(byte) 0xff, 'a'})).isFalse();
        assertThat(RecordJson.isUtf8(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).isFalse();
    }

    @Test
    void anyBytesRoundTrip() {
        byte[] key = {(byte) 0xff, 0, 1};
        byte[] value = {0, (byte) 0x80, 'x'};
        Record record = new Record(7, 1000, key, value, List.of(new Header("h", "v".getBytes(StandardCharsets.UTF_8)),
                new Header("h", null), new Header("b", new byte[] {(byte) 0xfe})));
        JsonNode json = JSON.readTree(RecordJson.toJson(record));
        assertThat(json.path("offset").asLong()).isEqualTo(7);
        assertThat(json.path("timestamp").asLong()).isEqualTo(1000);
        assertThat(json.path("keyEncoding").asString()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(json.path("key").asString())).isEqualTo(key);
        assertThat(json.path("valueEncoding").asString()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(json.path("value").asString())).isEqualTo(value);
        assertThat(json.path("headers").path("h").get(0).asString()).isEqualTo("v");
        assertThat(json.path("headers").path("h").get(1).isNull()).isTrue();
        assertThat(Base64.getDecoder().decode(json.path("headers").path("b").path("base64").asString()))
                .containsExactly(0xfe);
    }

    @Test
    void jsonValuesAreInlinedAndNullStaysNull() {
        Record json = new Record(0, 1, "k".getBytes(StandardCharsets.UTF_8),
                "{\"n\": 12345678901234567890.5}".getBytes(StandardCharsets.UTF_8), List.of());
        String text = new String(RecordJson.toJson(json), StandardCharsets.UTF_8);
        assertThat(text).contains("\"value\":{\"n\": 12345678901234567890.5}").contains("\"key\":\"k\"")
                .doesNotContain("Encoding");
        Record tombstone = new Record(1, 1, null, null, List.of());
        JsonNode node = JSON.readTree(RecordJson.toJson(tombstone));
        assertThat(node.has("key")).isFalse();
        assertThat(node.path("value").isNull()).isTrue();
        assertThat(node.path("headers").isEmpty()).isTrue();
    }
}
