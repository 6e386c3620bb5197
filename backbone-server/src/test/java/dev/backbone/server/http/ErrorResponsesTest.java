package dev.backbone.server.http;

import static dev.backbone.server.http.TopicsApiTest.problem;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/** Framework-level failures come out as problem+json with stable types, like the broker's own. */
class ErrorResponsesTest extends BrokerIntegrationTest {

    @Test
    void unsupportedContentTypeIs415() {
        JsonNode problem = problem(client().post().uri("/v1/topics/any/records").contentType(MediaType.TEXT_PLAIN)
                .bodyValue("hello").exchange().expectStatus().isEqualTo(415)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().returnResult().getResponseBody(), "unsupported-media-type", 415);
        assertThat(problem.path("supported").asString()).contains("application/json");
        client().get().uri("/v1/topics/any").exchange().expectStatus().isNotFound();
    }

    @Test
    void unacceptableAcceptIs406() {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"accept\"}").exchange().expectStatus().isCreated();
        problem(client().get().uri("/v1/topics/accept/partitions/0/records").accept(MediaType.valueOf("text/csv"))
                .exchange().expectStatus().isEqualTo(406).expectBody().returnResult().getResponseBody(),
                "not-acceptable", 406);
    }

    @Test
    void wrongMethodIs405() {
        problem(client().put().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isEqualTo(405).expectBody().returnResult().getResponseBody(), "method-not-allowed",
                405);
    }

    @Test
    void unknownPathIs404() {
        JsonNode problem = problem(client().get().uri("/v1/nothing/here").exchange().expectStatus().isNotFound()
                .expectBody().returnResult().getResponseBody(), "not-found", 404);
        assertThat(problem.path("instance").asString()).isEqualTo("/v1/nothing/here");
    }

    @Test
    void aRecordAboveTheLimitIs413AndNothingOfTheRequestIsAppended() {
        String big = "x".repeat(1024 * 1024);
        JsonNode problem = problem(client().post().uri("/v1/topics/big-record/records")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"records\": [{\"value\": 1}, {\"value\": \"" + big + "\"}]}").exchange()
                .expectStatus().isEqualTo(413).expectBody().returnResult().getResponseBody(), "record-too-large", 413);
        assertThat(problem.path("index").asInt()).isEqualTo(1);
        assertThat(problem.path("limitBytes").asInt()).isEqualTo(1024 * 1024);
        // The check comes before the topic is even created.
        client().get().uri("/v1/topics/big-record").exchange().expectStatus().isNotFound();
    }
}
