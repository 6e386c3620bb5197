package dev.backbone.server.http;

import static dev.backbone.server.http.TopicsApiTest.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDecoder;
import dev.backbone.client.batch.RecordBatchDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;

class BinaryProduceConsumeTest extends BrokerIntegrationTest {

    @Test
    void batchesAreStoredAsSentAndServedAsStored() {
        createTopic("bin", 2);
        ByteBuffer first = batch(3, "a");
        ByteBuffer second = batch(2, "b");
        byte[] body = concat(first, second);
        JsonNode firstAnswer = json(postBatches("bin", 1, body).expectStatus().isOk().expectBody().returnResult()
                .getResponseBody());
        assertThat(firstAnswer.path("baseOffsets").get(0).asLong()).isZero();
        assertThat(firstAnswer.path("baseOffsets").get(1).asLong()).isEqualTo(3);
        JsonNode result = json(postBatches("bin", 1, body).expectStatus().isOk().expectBody().returnResult()
                .getResponseBody());
        // The second post lands after the first: base offsets 5 and 8.
        assertThat(result.path("partition").asInt()).isEqualTo(1);
        assertThat(result.path("baseOffsets").get(0).asLong()).isEqualTo(5);
        assertThat(result.path("baseOffsets").get(1).asLong()).isEqualTo(8);
        assertThat(result.path("firstOffset").asLong()).isEqualTo(5);
        assertThat(result.path("lastOffset").asLong()).isEqualTo(9);
        assertThat(result.path("recordCount").asInt()).isEqualTo(5);

        EntityExchangeResult<byte[]> consumed = client().get().uri("/v1/topics/bin/partitions/1/records?offset=5")
                .accept(BackboneMediaTypes.BATCH).exchange().expectStatus().isOk()
                .expectHeader().contentType(BackboneMediaTypes.BATCH)
                .expectHeader().valueEquals(BackboneHeaders.END_OFFSET, "10")
                .expectHeader().valueEquals(BackboneHeaders.NEXT_OFFSET, "10")
                .expectHeader().valueEquals(BackboneHeaders.LOG_START_OFFSET, "0")
                .expectBody().returnResult();
        byte[] served = consumed.getResponseBody();
        assertThat(consumed.getResponseHeaders().getContentLength()).isEqualTo(body.length);
        // Byte for byte what was sent, except base offset and leader epoch, which lie outside the CRC.
        assertThat(served).hasSize(body.length);
        byte[] expected = body.clone();
        ByteBuffer view = ByteBuffer.wrap(expected);
        view.putLong(0, 5).putInt(RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET,
                ByteBuffer.wrap(served).getInt(RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET));
        int secondStart = first.remaining();
        view.putLong(secondStart, 8).putInt(secondStart + RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET,
                ByteBuffer.wrap(served).getInt(secondStart + RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET));
        assertThat(served).isEqualTo(expected);
        List<Record> records = RecordBatchDecoder.decodeAll(ByteBuffer.wrap(served));
        assertThat(records).extracting(Record::offset).containsExactly(5L, 6L, 7L, 8L, 9L);
        assertThat(new String(records.get(3).value(), StandardCharsets.UTF_8)).isEqualTo("b0");
        assertThat(records.get(0).headers()).containsExactly(new Header("h", "a0".getBytes(StandardCharsets.UTF_8)));

        // JSON consumers see the same records.
        JsonNode asJson = json(client().get().uri("/v1/topics/bin/partitions/1/records?offset=6")
                .accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk().expectBody().returnResult()
                .getResponseBody());
        assertThat(asJson.path("records").findValues("offset")).extracting(JsonNode::asLong)
                .containsExactly(6L, 7L, 8L, 9L);
    }

    @Test
    void anEmptyEndAnswersWithNoBytesAndTheOffsets() {
        createTopic("bin-empty", 1);
        EntityExchangeResult<byte[]> result = client().get().uri("/v1/topics/bin-empty/partitions/0/records")
                .accept(BackboneMediaTypes.BATCH).exchange().expectStatus().isOk()
                .expectHeader().valueEquals(BackboneHeaders.NEXT_OFFSET, "0")
                .expectHeader().valueEquals(BackboneHeaders.END_OFFSET, "0")
                .expectBody().returnResult();
        assertThat(result.getResponseBody()).isNullOrEmpty();
    }

    @Test
    void maxBytesLimitsTheAnswerButNeverBelowOneBatch() {
        createTopic("bin-max", 1);
        for (int i = 0; i < 10; i++) {
            postBatches("bin-max", 0, concat(batch(4, "r" + i))).expectStatus().isOk();
        }
        int batchSize = batch(4, "r0").remaining();
        byte[] one = client().get().uri("/v1/topics/bin-max/partitions/0/records?offset=0&maxBytes=1")
                .accept(BackboneMediaTypes.BATCH).exchange().expectStatus().isOk()
                .expectHeader().valueEquals(BackboneHeaders.NEXT_OFFSET, "4")
                .expectBody().returnResult().getResponseBody();
        assertThat(one).hasSize(batchSize);
        byte[] three = client().get().uri("/v1/topics/bin-max/partitions/0/records?offset=5&maxBytes="
                        + (3 * batchSize + 10)).accept(BackboneMediaTypes.BATCH).exchange().expectStatus().isOk()
                .expectHeader().valueEquals(BackboneHeaders.NEXT_OFFSET, "16")
                .expectBody().returnResult().getResponseBody();
        assertThat(RecordBatchDecoder.decodeAll(ByteBuffer.wrap(three))).extracting(Record::offset)
                .startsWith(4L).endsWith(15L).hasSize(12);
    }

    @Test
    void aBadCrcIs400AndAppendsNothingOfTheRequest() {
        createTopic("bin-crc", 1);
        byte[] good = concat(batch(2, "g"));
        byte[] bad = concat(batch(2, "x"));
        bad[bad.length - 1] ^= 0x01;
        JsonNode problem = problem(postBatches("bin-crc", 0, concat(ByteBuffer.wrap(good), ByteBuffer.wrap(bad)))
                .expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().returnResult().getResponseBody(), "corrupt-batch", 400);
        assertThat(problem.path("position").asLong()).isEqualTo(good.length);
        assertThat(endOffset("bin-crc", 0)).isZero();
    }

    @Test
    void truncatedOrGarbageBodiesAre400() {
        createTopic("bin-malformed", 1);
        byte[] good = concat(batch(2, "g"));
        problem(postBatches("bin-malformed", 0, Arrays.copyOf(good, good.length - 3)).expectStatus().isBadRequest()
                .expectBody().returnResult().getResponseBody(), "malformed-batch", 400);
        problem(postBatches("bin-malformed", 0, new byte[100]).expectStatus().isBadRequest().expectBody()
                .returnResult().getResponseBody(), "malformed-batch", 400);
        // Text read as a batch header claims a length of about 1.7 GB: refused as too large before anything else.
        problem(postBatches("bin-malformed", 0, "not a batch at all, just text".getBytes(StandardCharsets.UTF_8))
                .expectStatus().isEqualTo(413).expectBody().returnResult().getResponseBody(), "batch-too-large", 413);
        problem(postBatches("bin-malformed", 0, new byte[0]).expectStatus().isBadRequest().expectBody()
                .returnResult().getResponseBody(), "malformed-batch", 400);
        byte[] magic1 = good.clone();
        magic1[RecordBatchDescriptor.MAGIC_OFFSET] = 1;
        problem(postBatches("bin-malformed", 0, magic1).expectStatus().isBadRequest().expectBody().returnResult()
                .getResponseBody(), "unsupported-batch", 400);
        assertThat(endOffset("bin-malformed", 0)).isZero();
    }

    @Test
    void aBatchAboveTheTopicLimitIs413() {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"bin-small\", \"config\": {\"max.message.bytes\": 200}}").exchange()
                .expectStatus().isCreated();
        problem(postBatches("bin-small", 0, concat(batch(10, "big"))).expectStatus()
                .isEqualTo(413).expectBody().returnResult().getResponseBody(),
                "batch-too-large", 413);
        assertThat(endOffset("bin-small", 0)).isZero();
    }

    @Test
    void unknownPartitionIs404() {
        createTopic("bin-one", 1);
        problem(postBatches("bin-one", 1, concat(batch(1, "a"))).expectStatus().isNotFound().expectBody()
                .returnResult().getResponseBody(), "unknown-partition", 404);
    }

    /**
     * Concurrent requests of many sizes, half of them waiting for their fsync without a thread, each store exactly
     * their own bytes, never a neighbour's, and are all acknowledged.
     */
    @Test
    void concurrentProducesOfManySizesEachStoreTheirOwnBytes() throws Exception {
        long seed = System.nanoTime();
        createTopic("bin-pool", 1);
        int requests = 48;
        Random sizes = new Random(seed);
        int[] valueBytes = new int[requests];
        for (int r = 0; r < requests; r++) {
            valueBytes[r] = 1 + sizes.nextInt(sizes.nextBoolean() ? 2_000 : 200_000);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                int request = r;
                sent.add(pool.submit(() -> {
                    byte[] body = concat(randomBatch(seed, request, valueBytes[request]));
                    client().post().uri("/v1/topics/bin-pool/partitions/0/records?flush="
                                    + (request % 2 == 0 ? "sync" : "none"))
                            .contentType(BackboneMediaTypes.BATCH).bodyValue(body).exchange()
                            .expectStatus().isOk();
                }));
            }
            for (Future<?> future : sent) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, byte[]> stored = new HashMap<>();
        long offset = 0;
        while (offset < requests * 3L) {
            byte[] served = client().get().uri("/v1/topics/bin-pool/partitions/0/records?offset=" + offset
                            + "&maxBytes=1048576").accept(BackboneMediaTypes.BATCH).exchange().expectStatus().isOk()
                    .expectBody().returnResult().getResponseBody();
            for (Record record : RecordBatchDecoder.decodeAll(ByteBuffer.wrap(served))) {
                stored.put(new String(record.key(), StandardCharsets.UTF_8), record.value());
                offset = record.offset() + 1;
            }
        }
        assertThat(stored).as("seed %d", seed).hasSize(requests * 3);
        for (int r = 0; r < requests; r++) {
            List<Record> expected = RecordBatchDecoder.decodeAll(randomBatch(seed, r, valueBytes[r]));
            for (Record record : expected) {
                String key = new String(record.key(), StandardCharsets.UTF_8);
                assertThat(stored.get(key)).as("%s, seed %d", key, seed).isEqualTo(record.value());
            }
        }
    }

    /** Three records keyed {@code <request>-<i>} with values drawn from a generator seeded by the request. */
    private static ByteBuffer randomBatch(long seed, int request, int valueBytes) {
        Random random = new Random(seed * 31 + request);
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (int i = 0; i < 3; i++) {
            byte[] value = new byte[valueBytes];
            random.nextBytes(value);
            builder.add(1_700_000_000_000L, (request + "-" + i).getBytes(StandardCharsets.UTF_8), value, List.of());
        }
        return builder.build();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec postBatches(String topic,
                                                                                              int partition,
                                                                                              byte[] body) {
        return client().post().uri("/v1/topics/" + topic + "/partitions/" + partition + "/records")
                .contentType(BackboneMediaTypes.BATCH).bodyValue(body).exchange();
    }

    private long endOffset(String topic, int partition) {
        return json(client().get().uri("/v1/topics/" + topic).exchange().expectBody().returnResult()
                .getResponseBody()).path("partitions").get(partition).path("endOffset").asLong();
    }

    private void createTopic(String name, int partitions) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": " + partitions + "}")
                .exchange().expectStatus().isCreated();
    }

    static ByteBuffer batch(int records, String prefix) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (int i = 0; i < records; i++) {
            byte[] value = (prefix + i).getBytes(StandardCharsets.UTF_8);
            builder.add(1_700_000_000_000L + i, ("k" + i).getBytes(StandardCharsets.UTF_8), value,
                    List.of(new Header("h", value)));
        }
        return builder.build();
    }

    static byte[] concat(ByteBuffer... buffers) {
        int size = 0;
        for (ByteBuffer b : buffers) {
            size += b.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (ByteBuffer b : buffers) {
            all.put(b.duplicate());
        }
        return all.array();
    }
}
