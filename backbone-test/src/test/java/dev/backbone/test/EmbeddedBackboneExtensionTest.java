package dev.backbone.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EmbeddedBackbone(topics = {"extension-orders", "extension-audit"}, partitions = 3)
class EmbeddedBackboneExtensionTest {

    private final EmbeddedBroker broker;

    EmbeddedBackboneExtensionTest(EmbeddedBroker broker) {
        this.broker = broker;
    }

    @Test
    void createsTheTopicsWithTheirPartitions(EmbeddedBroker sameBroker) throws Exception {
        assertThat(sameBroker).isSameAs(broker);
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(broker.url() + "/v1/topics/extension-orders")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"partition\":2").doesNotContain("\"partition\":3");
    }

    @Test
    void isTheJvmsSharedBrokerForItsConfiguration() {
        assertThat(broker).isSameAs(EmbeddedBroker.shared(Map.of()));
    }
}
