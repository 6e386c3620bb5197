package dev.backbone.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PayloadsTest {

    @Test
    void binaryBatchHoldsRecordsOfTheRequestedSize() {
        byte[] batch = new Payloads(7, 1024).binaryBatch(10);

        List<Record> records = RecordBatchDecoder.decodeAll(ByteBuffer.wrap(batch));

        assertThat(records).hasSize(10);
        assertThat(records).allSatisfy(r -> assertThat(r.value()).hasSize(1024));
        assertThat(records.get(0).value()).isNotEqualTo(records.get(1).value());
    }

    @Test
    void jsonValuesStoreAsExactlyTheRecordSize() {
        String body = new String(new Payloads(7, 100).jsonBody(3), StandardCharsets.UTF_8);

        assertThat(body).startsWith("{\"records\":[{\"value\":\"").endsWith("\"}]}");
        assertThat(body.split("\\{\"value\":")).hasSize(4);
        String firstValue = body.substring(body.indexOf(":\"") + 1, body.indexOf("\"}") + 1);
        assertThat(firstValue.getBytes(StandardCharsets.UTF_8)).hasSize(100);
    }

    @Test
    void jsonLikeValuesAreJsonObjectsOfExactlyTheRecordSizeAndCompress() {
        Payloads payloads = new Payloads(11, 1024, ValueKind.JSON_LIKE, CompressionCodec.ZSTD);
        for (int size : new int[] {192, 300, 1024, 4096}) {
            String value = new Payloads(size, size, ValueKind.JSON_LIKE, CompressionCodec.NONE).jsonLikeValue();
            assertThat(value).as("size " + size).hasSize(size).startsWith("{\"id\":").endsWith("\"}");
            assertThat(JsonMapper.builder().build().readTree(value).path("items").isArray()).isTrue();
        }

        byte[] batch = payloads.binaryBatch(100);
        List<Record> records = RecordBatchDecoder.decodeAll(ByteBuffer.wrap(batch));
        assertThat(records).hasSize(100).allSatisfy(r -> assertThat(r.value()).hasSize(1024));
        assertThat(batch.length).isLessThan(100 * 1024 / 3);
    }

    @Test
    void stampsRoundTripInBothFormsAndIgnoreOtherRuns() {
        Random random = new Random(3);
        long run = LatencyStamp.newRunId(random);
        long other = LatencyStamp.newRunId(random);

        byte[] binary = LatencyStamp.binary(run, 123_456_789L, new byte[] {'"', 1, 2});
        byte[] json = LatencyStamp.json(run, 987L, "pad").getBytes(StandardCharsets.UTF_8);

        assertThat(run).isPositive();
        assertThat(binary[0]).isNotEqualTo((byte) '"');
        assertThat(LatencyStamp.read(run, binary)).isEqualTo(OptionalLong.of(123_456_789L));
        assertThat(LatencyStamp.read(run, json)).isEqualTo(OptionalLong.of(987L));
        assertThat(LatencyStamp.read(other, binary)).isEmpty();
        assertThat(LatencyStamp.read(other, json)).isEmpty();
        assertThat(LatencyStamp.read(run, null)).isEmpty();
        assertThat(LatencyStamp.read(run, new byte[5])).isEmpty();
        assertThat(LatencyStamp.read(run, "\"no stamp\"".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
}
