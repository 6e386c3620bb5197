package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/** Metrics, health and the OpenAPI description, as an operator and a client generator see them. */
class OperationsEndpointsTest extends BrokerIntegrationTest {

    @Test
    void prometheusShowsProduceFetchAndPartitionMeters() {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"metered\", \"partitions\": 2}").exchange().expectStatus().isCreated();
        client().post().uri("/v1/topics/metered/partitions/1/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"records\": [{\"value\": 1}, {\"value\": 2}, {\"value\": 3}]}").exchange()
                .expectStatus().isOk();
        client().get().uri("/v1/topics/metered/partitions/1/records?offset=0").exchange().expectStatus().isOk();
        client().get().uri("/v1/topics/metered/partitions/1/records?offset=0").accept(BackboneMediaTypes.BATCH)
                .exchange().expectStatus().isOk();

        String text = new String(client().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody(), StandardCharsets.UTF_8);
        assertThat(text).contains("backbone_produce_records_total{topic=\"metered\"} 3.0");
        assertThat(text).containsPattern("backbone_produce_bytes_total\\{topic=\"metered\"} [1-9]");
        assertThat(text).contains("backbone_fetch_records_total{topic=\"metered\"} 6.0");
        assertThat(text).containsPattern("backbone_fetch_bytes_total\\{topic=\"metered\"} [1-9]");
        assertThat(text).contains("backbone_produce_latency_seconds_bucket{topic=\"metered\"");
        assertThat(text).contains("backbone_fetch_latency_seconds_bucket{topic=\"metered\"");
        assertThat(text).contains("backbone_log_end_offset{partition=\"1\",topic=\"metered\"} 3.0");
        assertThat(text).contains("backbone_log_end_offset{partition=\"0\",topic=\"metered\"} 0.0");
        assertThat(text).containsPattern("backbone_log_size_bytes\\{partition=\"1\",topic=\"metered\"} [1-9]");
        assertThat(text).contains("backbone_long_polls_waiting ");
        assertThat(text).contains("backbone_log_fsync_seconds");
        assertThat(text).containsPattern("backbone_log_open_segment_files [1-9]");
        assertThat(text).containsPattern("backbone_log_open_segment_files_max [1-9]");
        assertThat(text).containsPattern("process_files_open_files [1-9]");

        client().delete().uri("/v1/topics/metered").exchange().expectStatus().isNoContent();
        String after = new String(client().get().uri("/actuator/prometheus").exchange().expectBody().returnResult()
                .getResponseBody(), StandardCharsets.UTF_8);
        assertThat(after).doesNotContain("topic=\"metered\"");
    }

    @Test
    void healthShowsAnonymousCallersOnlyTheStatusAndServesKubernetesProbes() {
        JsonNode health = json(client().get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.has("components")).as("paths and free bytes are not shown to the world").isFalse();
        assertThat(health.has("details")).isFalse();
        assertThat(json(client().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody()).path("status").asString()).isEqualTo("UP");
        assertThat(json(client().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody()).path("status").asString()).isEqualTo("UP");
    }

    @Test
    void openApiDocumentsEndpointsMediaTypesAndProblems() {
        JsonNode api = json(client().get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody()
                .returnResult().getResponseBody());
        JsonNode paths = api.path("paths");
        assertThat(paths.has("/v1/topics")).isTrue();
        assertThat(paths.has("/v1/topics/{topic}")).isTrue();
        assertThat(paths.has("/v1/topics/{topic}/records")).isTrue();
        assertThat(paths.has("/v1/topics/{topic}/partitions/{partition}/records")).isTrue();
        assertThat(paths.has("/v1/topics/{topic}/partitions/{partition}/offsets")).isTrue();

        JsonNode consume = paths.path("/v1/topics/{topic}/partitions/{partition}/records").path("get");
        assertThat(consume.path("responses").path("200").path("content").has(BackboneMediaTypes.BATCH_VALUE)).isTrue();
        assertThat(consume.path("responses").path("200").path("content").has("application/json")).isTrue();
        JsonNode range = consume.path("responses").path("416").path("content").path("application/problem+json");
        assertThat(range.path("examples").has("offset-out-of-range")).isTrue();
        assertThat(consume.path("responses").path("404").path("content").path("application/problem+json")
                .path("examples").has("unknown-topic")).isTrue();

        JsonNode batchProduce = paths.path("/v1/topics/{topic}/partitions/{partition}/records").path("post");
        assertThat(batchProduce.path("requestBody").path("content").has(BackboneMediaTypes.BATCH_VALUE)).isTrue();
        assertThat(batchProduce.path("responses").path("400").path("content").path("application/problem+json")
                .path("examples").has("corrupt-batch")).isTrue();
        assertThat(batchProduce.path("responses").has("507")).isTrue();

        client().get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
        client().get().uri("/webjars/swagger-ui/index.html").exchange().expectStatus().isOk();
    }
}
