package dev.backbone.server.http.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import dev.backbone.server.http.BrokerIntegrationTest;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

class StreamingProduceTest extends BrokerIntegrationTest {

    private static final DefaultDataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

    @Test
    void twoHundredThousandLinesGeneratedLazilyAreAppendedAndAnsweredInOrder() {
        createTopic("ndjson-big", 1);
        int lines = 200_000;
        AtomicLong generated = new AtomicLong();
        // 100 lines per chunk, made only when the request body is pulled: nothing holds the whole body.
        Flux<DataBuffer> body = Flux.range(0, lines / 100).map(chunk -> {
            StringBuilder text = new StringBuilder(100 * 48);
            for (int i = chunk * 100; i < chunk * 100 + 100; i++) {
                text.append("{\"key\":\"k").append(i % 50).append("\",\"value\":{\"n\":").append(i).append("}}\n");
            }
            generated.addAndGet(100);
            return BUFFERS.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        });

        List<String> answer = webClient().post().uri("/v1/topics/ndjson-big/records")
                .contentType(MediaType.APPLICATION_NDJSON).accept(MediaType.APPLICATION_NDJSON)
                .body(BodyInserters.fromDataBuffers(body))
                .retrieve().bodyToFlux(String.class)
                .collectList().block(Duration.ofMinutes(3));

        assertThat(generated).hasValue(lines);
        assertThat(answer).hasSize(lines);
        for (int i = 0; i < lines; i += 9_973) {
            assertThat(json(answer.get(i))).isEqualTo(json("{\"partition\":0,\"offset\":" + i + "}"));
        }
        assertThat(json(answer.get(lines - 1)).path("offset").asLong()).isEqualTo(lines - 1);
        assertThat(endOffset("ndjson-big")).isEqualTo(lines);
        JsonNode page = json(client().get().uri("/v1/topics/ndjson-big/partitions/0/records?offset=" + (lines - 1))
                .accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        assertThat(page.path("records")).as(page.toString()).hasSize(1);
        JsonNode last = page.path("records").get(0);
        assertThat(last.path("value")).isEqualTo(json("{\"n\":" + (lines - 1) + "}"));
    }

    /**
     * The body is pulled only as fast as lines are appended: when the client has its N-th offset back, it cannot
     * have sent much more than N lines plus what the socket buffers on both sides hold. A broker that read the
     * body ahead would let the client send all 60 MiB before the first offset comes back.
     */
    @Test
    void aFastClientIsHeldBackByTheAppendsNotBuffered() {
        createTopic("ndjson-pressure", 1);
        int lines = 60_000;
        String padding = "x".repeat(1000);
        AtomicLong generated = new AtomicLong();
        Flux<DataBuffer> body = Flux.range(0, lines / 10).map(chunk -> {
            StringBuilder text = new StringBuilder(10 * 1040);
            for (int i = chunk * 10; i < chunk * 10 + 10; i++) {
                text.append("{\"value\":{\"n\":").append(i).append(",\"pad\":\"").append(padding).append("\"}}\n");
            }
            generated.addAndGet(10);
            return BUFFERS.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        });
        AtomicLong maxAhead = new AtomicLong();
        AtomicLong answered = new AtomicLong();

        webClient().post().uri("/v1/topics/ndjson-pressure/records")
                .contentType(MediaType.APPLICATION_NDJSON)
                .body(BodyInserters.fromDataBuffers(body))
                .retrieve().bodyToFlux(String.class)
                .doOnNext(line -> {
                    long acked = answered.incrementAndGet();
                    maxAhead.accumulateAndGet(generated.get() - acked, Math::max);
                })
                .blockLast(Duration.ofMinutes(3));

        assertThat(answered).hasValue(lines);
        System.out.println("streaming produce: at most " + maxAhead + " lines sent ahead of their offsets");
        // About 1 KiB per line: 20,000 lines ahead is 20 MiB of socket buffers and one batch, a third of the body.
        assertThat(maxAhead.get()).as("lines sent ahead of their offsets").isLessThan(20_000);
    }

    @Test
    void aMalformedLineEndsTheStreamWithAnErrorLineAndKeepsTheLinesBefore() {
        createTopic("ndjson-bad", 1);
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 2_000; i++) {
            text.append(i == 1_001 ? "{\"value\": oops}" : "{\"value\":" + i + "}").append('\n');
        }

        List<String> answer = webClient().post().uri("/v1/topics/ndjson-bad/records")
                .contentType(MediaType.APPLICATION_NDJSON)
                .body(BodyInserters.fromDataBuffers(Flux.just(text.toString())
                        .map(s -> BUFFERS.wrap(s.getBytes(StandardCharsets.UTF_8)))))
                .retrieve().bodyToFlux(String.class)
                .collectList().block(Duration.ofSeconds(30));

        assertThat(answer).hasSize(1_001);
        assertThat(json(answer.get(999)).path("offset").asLong()).isEqualTo(999);
        JsonNode error = json(answer.get(1_000)).path("error");
        assertThat(error.path("type").asString()).isEqualTo("https://backbone.dev/problems/malformed-json");
        assertThat(error.path("status").asInt()).isEqualTo(400);
        assertThat(error.path("line").asLong()).isEqualTo(1_001);
        assertThat(error.path("detail").asString()).startsWith("line 1001: ");
        assertThat(endOffset("ndjson-bad")).isEqualTo(1_000);
    }

    @Test
    void aRecordOverTheLimitIsAnErrorLine() {
        createTopic("ndjson-large", 1);
        String big = "x".repeat(1024 * 1024 + 10);
        String text = "{\"value\":1}\n{\"value\":\"" + big + "\"}\n{\"value\":3}\n";

        List<String> answer = webClient().post().uri("/v1/topics/ndjson-large/records")
                .contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue(text)
                .retrieve().bodyToFlux(String.class)
                .collectList().block(Duration.ofSeconds(30));

        assertThat(answer).hasSize(2);
        JsonNode error = json(answer.get(1)).path("error");
        assertThat(error.path("type").asString()).isEqualTo("https://backbone.dev/problems/record-too-large");
        assertThat(error.path("line").asLong()).isEqualTo(2);
        assertThat(endOffset("ndjson-large")).isEqualTo(1);
    }

    @Test
    void blankLinesAndCrlfAreAcceptedAndKeyedLinesFollowMurmur2() {
        createTopic("ndjson-keys", 4);
        List<String> answer = webClient().post().uri("/v1/topics/ndjson-keys/records")
                .contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue("{\"key\":\"a\",\"value\":1}\r\n\r\n{\"key\":\"a\",\"value\":2}")
                .retrieve().bodyToFlux(String.class)
                .collectList().block(Duration.ofSeconds(30));

        assertThat(answer).hasSize(2);
        int partition = json(answer.get(0)).path("partition").asInt();
        assertThat(partition).isEqualTo(dev.backbone.client.Murmur2Partitioner.partition(
                "a".getBytes(StandardCharsets.UTF_8), 4));
        assertThat(json(answer.get(1)).path("partition").asInt()).isEqualTo(partition);
        assertThat(json(answer.get(1)).path("offset").asLong()).isEqualTo(1);
    }

    @Test
    void anUnknownTopicIsAnOrdinaryProblemWhenAutoCreateCannotHelp() {
        client().post().uri("/v1/topics/bad name/records").contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue("{\"value\":1}\n")
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private WebClient webClient() {
        return WebClient.builder().baseUrl(baseUrl()).build();
    }

    private void createTopic(String name, int partitions) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": " + partitions + "}")
                .exchange().expectStatus().isCreated();
    }

    private long endOffset(String topic) {
        return client().get().uri("/v1/topics/" + topic).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody()
                .path("partitions").get(0).path("endOffset").asLong();
    }
}
