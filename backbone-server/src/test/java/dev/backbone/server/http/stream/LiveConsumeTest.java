package dev.backbone.server.http.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import dev.backbone.server.http.BrokerIntegrationTest;
import dev.backbone.server.http.LongPollWaiters;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

class LiveConsumeTest extends BrokerIntegrationTest {

    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE =
            new ParameterizedTypeReference<>() { };

    @Autowired
    LongPollWaiters waiters;

    @Test
    void sseDeliversStoredRecordsThenFollowsNewOnes() {
        createTopic("sse-follow");
        produce("sse-follow", "{\"records\": [{\"key\": \"a\", \"value\": 1}, {\"value\": 2}]}");

        Flux<ServerSentEvent<String>> events = webClient().get().uri("/v1/topics/sse-follow/partitions/0/records")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchangeToFlux(response -> {
                    assertThat(response.statusCode().value()).isEqualTo(200);
                    assertThat(response.headers().header("Backbone-Next-Offset")).containsExactly("0");
                    assertThat(response.headers().header("Backbone-End-Offset")).containsExactly("2");
                    assertThat(response.headers().header("Backbone-Log-Start-Offset")).containsExactly("0");
                    return response.bodyToFlux(SSE);
                })
                .filter(event -> event.event() != null);

        StepVerifier.create(events)
                .assertNext(event -> {
                    assertThat(event.id()).isEqualTo("0");
                    assertThat(event.event()).isEqualTo("record");
                    JsonNode record = json(event.data());
                    assertThat(record.path("offset").asLong()).isZero();
                    assertThat(record.path("key").asString()).isEqualTo("a");
                    assertThat(record.path("value").asInt()).isEqualTo(1);
                })
                .assertNext(event -> assertThat(event.id()).isEqualTo("1"))
                .then(() -> produce("sse-follow", "{\"records\": [{\"value\": {\"third\": true}}]}"))
                .assertNext(event -> {
                    assertThat(event.id()).isEqualTo("2");
                    assertThat(json(event.data()).path("value").path("third").asBoolean()).isTrue();
                })
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void lastEventIdResumesAfterThatOffset() {
        createTopic("sse-resume");
        produce("sse-resume", "{\"records\": [{\"value\": 0}, {\"value\": 1}, {\"value\": 2}, {\"value\": 3}]}");

        StepVerifier.create(webClient().get().uri("/v1/topics/sse-resume/partitions/0/records?offset=0")
                        .accept(MediaType.TEXT_EVENT_STREAM).header("Last-Event-ID", "1")
                        .retrieve().bodyToFlux(SSE).filter(event -> event.event() != null))
                .assertNext(event -> assertThat(event.id()).isEqualTo("2"))
                .assertNext(event -> assertThat(event.id()).isEqualTo("3"))
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void ndjsonStreamsOneRecordPerLine() {
        createTopic("ndjson-follow");
        produce("ndjson-follow", "{\"records\": [{\"value\": \"x\"}, {\"value\": [1, 2]}]}");

        StepVerifier.create(webClient().get().uri("/v1/topics/ndjson-follow/partitions/0/records?offset=1")
                        .accept(MediaType.APPLICATION_NDJSON)
                        .retrieve().bodyToFlux(String.class).filter(line -> !line.isBlank()))
                .assertNext(line -> {
                    assertThat(json(line).path("offset").asLong()).isEqualTo(1);
                    assertThat(json(line).path("value")).isEqualTo(json("[1, 2]"));
                })
                .then(() -> produce("ndjson-follow", "{\"records\": [{\"value\": 3}]}"))
                .assertNext(line -> assertThat(json(line).path("offset").asLong()).isEqualTo(2))
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void cloudEventFormatSendsStructuredEvents() {
        createTopic("sse-ce");
        produce("sse-ce", "{\"records\": [{\"key\": \"k\", \"value\": {\"n\": 1}}]}");

        StepVerifier.create(webClient().get().uri("/v1/topics/sse-ce/partitions/0/records?format=cloudevents")
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .retrieve().bodyToFlux(SSE).filter(event -> event.event() != null))
                .assertNext(event -> {
                    assertThat(event.event()).isEqualTo("cloudevent");
                    assertThat(event.id()).isEqualTo("0");
                    JsonNode ce = json(event.data());
                    assertThat(ce.path("specversion").asString()).isEqualTo("1.0");
                    assertThat(ce.path("id").asString()).isEqualTo("sse-ce-0-0");
                    assertThat(ce.path("data")).isEqualTo(json("{\"n\": 1}"));
                })
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void aClientThatGoesAwayReleasesItsWaiter() throws InterruptedException {
        createTopic("sse-cancel");
        int before = waiters.waiting();
        Disposable stream = webClient().get().uri("/v1/topics/sse-cancel/partitions/0/records")
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(SSE).subscribe();
        awaitWaiting(before + 1);
        stream.dispose();
        awaitWaiting(before);
    }

    @Test
    void anOffsetOutsideTheLogIsA416BeforeTheStreamStarts() {
        createTopic("sse-range");
        client().get().uri("/v1/topics/sse-range/partitions/0/records?offset=5")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isEqualTo(416)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.endOffset").isEqualTo(0);
        client().get().uri("/v1/topics/sse-missing/partitions/0/records")
                .accept(MediaType.APPLICATION_NDJSON)
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void deletingTheTopicEndsTheStreamWithAnErrorEvent() {
        createTopic("sse-deleted");
        produce("sse-deleted", "{\"records\": [{\"value\": 1}]}");

        List<ServerSentEvent<String>> events = webClient().get().uri("/v1/topics/sse-deleted/partitions/0/records")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve().bodyToFlux(SSE).filter(event -> event.event() != null)
                .publishOn(Schedulers.boundedElastic())
                .doOnNext(event -> {
                    if ("record".equals(event.event())) {
                        client().delete().uri("/v1/topics/sse-deleted").exchange().expectStatus().isNoContent();
                    }
                })
                .collectList().block(Duration.ofSeconds(30));

        assertThat(events).extracting(ServerSentEvent::event).containsExactly("record", "error");
        assertThat(json(events.get(1).data()).path("status").asInt()).isEqualTo(404);
    }

    @Test
    void aClientThatAcceptsAnythingGetsThePlainJsonConsume() {
        createTopic("accept-any");
        produce("accept-any", "{\"records\": [{\"value\": 1}]}");
        client().get().uri("/v1/topics/accept-any/partitions/0/records").accept(MediaType.ALL)
                .exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.records[0].value").isEqualTo(1);
        client().get().uri("/v1/topics/accept-any/partitions/0/records")
                .exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON);
    }

    private void awaitWaiting(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (waiters.waiting() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(waiters.waiting()).isEqualTo(expected);
    }

    private WebClient webClient() {
        return WebClient.builder().baseUrl(baseUrl()).build();
    }

    private void createTopic(String name) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": 1}")
                .exchange().expectStatus().isCreated();
    }

    private void produce(String topic, String body) {
        client().post().uri("/v1/topics/" + topic + "/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isOk();
    }
}
