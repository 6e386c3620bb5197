package dev.backbone.server.http.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.backbone.server.http.BrokerIntegrationTest;

class StreamsApiDocsTest extends BrokerIntegrationTest {

    @Test
    void theOpenApiDocumentNamesTheStreamingAndCloudEventsOperations() {
        String docs = new String(client().get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody(), StandardCharsets.UTF_8);

        assertThat(docs).contains("application/cloudevents+json", "application/cloudevents-batch+json",
                "application/x-ndjson", "text/event-stream", "ce-specversion",
                "https://backbone.dev/problems/idempotency-key-reused",
                "https://backbone.dev/problems/out-of-order-sequence");
    }
}
