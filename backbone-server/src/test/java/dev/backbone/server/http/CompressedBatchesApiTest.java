package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDecoder;
import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.client.batch.RecordBatchHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;

/** Compressed batches through the HTTP API: stored as sent, read by every reader, bombs refused. */
class CompressedBatchesApiTest extends BrokerIntegrationTest {

    @Test
    void binaryBatchesOfEveryCodecAreStoredAsSentAndReadByJsonAndKeyStreams() {
        createTopic("cz-all", "{}");
        List<ByteBuffer> sent = new ArrayList<>();
        for (CompressionCodec codec : CompressionCodec.values()) {
            ByteBuffer batch = accountEvents(codec, 4, codec.configName());
            sent.add(batch);
            post("cz-all", batch).expectStatus().isOk();
        }

        byte[] served = client().get().uri("/v1/topics/cz-all/partitions/0/records?offset=0")
                .accept(BackboneMediaTypes.BATCH).exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody();
        ByteBuffer servedBuf = ByteBuffer.wrap(served);
        int position = 0;
        for (int i = 0; i < sent.size(); i++) {
            ByteBuffer expected = sent.get(i).duplicate();
            ByteBuffer actual = servedBuf.duplicate().position(position).limit(position + expected.remaining())
                    .slice();
            // Byte for byte as sent from the leader epoch's end on: codec, CRC and compressed records untouched.
            assertThat(actual.slice(RecordBatchDescriptor.MAGIC_OFFSET,
                    expected.remaining() - RecordBatchDescriptor.MAGIC_OFFSET))
                    .isEqualTo(expected.slice(RecordBatchDescriptor.MAGIC_OFFSET,
                            expected.remaining() - RecordBatchDescriptor.MAGIC_OFFSET));
            assertThat(RecordBatchHeader.read(actual, 0).compressionCodec()).isEqualTo(i);
            position += expected.remaining();
        }
        assertThat(position).isEqualTo(served.length);
        List<Record> decoded = RecordBatchDecoder.decodeAll(servedBuf);
        assertThat(decoded).extracting(Record::offset).containsExactlyElementsOf(range(0, 20));

        JsonNode records = json(client().get().uri("/v1/topics/cz-all/partitions/0/records?offset=3")
                .accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk().expectBody().returnResult()
                .getResponseBody()).path("records");
        assertThat(records).hasSize(17);
        assertThat(records.get(0).path("offset").asLong()).isEqualTo(3);
        assertThat(records.get(1).path("value").path("source").asString()).isEqualTo("gzip");
        assertThat(records.get(16).path("value").path("source").asString()).isEqualTo("zstd");

        // acct-1 has one event in each batch: the key index found them inside every codec's batch.
        JsonNode stream = json(client().get().uri("/v1/topics/cz-all/keys/acct-1/records").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(stream.path("records")).extracting(r -> r.path("value").path("source").asString())
                .containsExactly("none", "gzip", "snappy", "lz4", "zstd");
        assertThat(stream.path("records")).extracting(r -> r.path("offset").asLong())
                .containsExactly(1L, 5L, 9L, 13L, 17L);
    }

    @Test
    void aDecompressionBombIs413AndAppendsNothing() {
        createTopic("cz-bomb", "{}");
        post("cz-bomb", accountEvents(CompressionCodec.LZ4, 2, "before")).expectStatus().isOk();
        ByteBuffer bomb = new RecordBatchBuilder(CompressionCodec.ZSTD)
                .add(1L, null, new byte[70 * 1024 * 1024])
                .build();

        EntityExchangeResult<byte[]> answer = post("cz-bomb", bomb).expectBody().returnResult();
        JsonNode problem = problem(answer, "batch-too-large", 413);
        assertThat(problem.path("detail").asString()).contains("decompress");
        assertThat(endOffset("cz-bomb")).isEqualTo(2);
    }

    @Test
    void aTopicsCompressionTypeCompressesWhatTheBrokerBuilds() {
        createTopic("cz-json", "{\"compression.type\": \"zstd\"}");
        StringBuilder body = new StringBuilder("{\"records\": [");
        for (int i = 0; i < 50; i++) {
            body.append(i == 0 ? "" : ",").append("{\"key\": \"k").append(i % 3)
                    .append("\", \"value\": {\"n\": ").append(i).append(", \"pad\": \"").append("y".repeat(100))
                    .append("\"}}");
        }
        client().post().uri("/v1/topics/cz-json/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body.append("]}").toString()).exchange().expectStatus().isOk();

        byte[] stored = client().get().uri("/v1/topics/cz-json/partitions/0/records?offset=0")
                .accept(BackboneMediaTypes.BATCH).exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody();
        assertThat(RecordBatchHeader.read(ByteBuffer.wrap(stored), 0).compressionCodec())
                .isEqualTo(CompressionCodec.ZSTD.id());
        assertThat(stored.length).isLessThan(50 * 100 / 4);
        JsonNode records = json(client().get().uri("/v1/topics/cz-json/partitions/0/records?offset=0")
                .accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk().expectBody().returnResult()
                .getResponseBody()).path("records");
        assertThat(records).extracting(r -> r.path("value").path("n").asInt()).containsExactly(range(0, 50)
                .stream().map(Long::intValue).toArray(Integer[]::new));
        JsonNode k1 = json(client().get().uri("/v1/topics/cz-json/keys/k1/records").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(k1.path("currentVersion").asInt()).isEqualTo(16);

        JsonNode described = json(client().get().uri("/v1/topics/cz-json").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        assertThat(described.path("config").path("compression.type").asString()).isEqualTo("zstd");
        EntityExchangeResult<byte[]> bad = client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"cz-bad\", \"config\": {\"compression.type\": \"brotli\"}}").exchange()
                .expectBody().returnResult();
        assertThat(problem(bad, "invalid-config", 400).path("detail").asString()).contains("brotli");
    }

    private static JsonNode problem(EntityExchangeResult<byte[]> answer, String slug, int status) {
        assertThat(answer.getStatus().value()).isEqualTo(status);
        assertThat(answer.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        return TopicsApiTest.problem(answer.getResponseBody(), slug, status);
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    /** {@code count} events of accounts acct-0, acct-1, ... whose JSON value names {@code source}. */
    private static ByteBuffer accountEvents(CompressionCodec codec, int count, String source) {
        RecordBatchBuilder builder = new RecordBatchBuilder(codec);
        for (int i = 0; i < count; i++) {
            String value = "{\"source\": \"" + source + "\", \"amount\": " + i + ", \"memo\": \"" + "z".repeat(200)
                    + "\"}";
            builder.add(1_700_000_000_000L + i, ("acct-" + i).getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec post(String topic,
                                                                                       ByteBuffer batch) {
        byte[] body = new byte[batch.remaining()];
        batch.duplicate().get(body);
        return client().post().uri("/v1/topics/" + topic + "/partitions/0/records")
                .contentType(BackboneMediaTypes.BATCH).bodyValue(body).exchange();
    }

    private long endOffset(String topic) {
        return json(client().get().uri("/v1/topics/" + topic).exchange().expectBody().returnResult()
                .getResponseBody()).path("partitions").get(0).path("endOffset").asLong();
    }

    private void createTopic(String name, String config) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": 1, \"config\": " + config + "}")
                .exchange().expectStatus().isCreated();
    }
}
