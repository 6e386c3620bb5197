package dev.backbone.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedBrokerTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void servesOnLoopbackAndRemovesItsDirectoryWhenClosed() throws Exception {
        Path dir;
        try (EmbeddedBroker broker = EmbeddedBroker.builder().property("backbone.topics.auto-create", "false")
                .start()) {
            dir = broker.dataDir();
            assertThat(broker.url()).isEqualTo("http://127.0.0.1:" + broker.port());
            assertThat(get(broker, "/actuator/health").body()).contains("\"UP\"");

            assertThat(broker.createTopic("embedded-a", 3, Map.of("flush", "sync"))).isTrue();
            assertThat(broker.createTopic("embedded-a", 1, Map.of())).isFalse();
            String described = get(broker, "/v1/topics/embedded-a").body();
            assertThat(described).contains("\"partition\":2").contains("\"flush\":\"sync\"");
            assertThat(get(broker, "/v1/topics/not-created/partitions/0/records").statusCode())
                    .as("auto-create=false was applied").isEqualTo(404);
            assertThat(Files.isDirectory(dir.resolve("embedded-a-0"))).isTrue();
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void sharedBrokersAreOnePerConfiguration() {
        // The configurations other test classes use too, so no broker is started for this test alone.
        EmbeddedBroker a = EmbeddedBroker.shared(Map.of("backbone.topics.default-partitions", "2"));
        EmbeddedBroker b = EmbeddedBroker.shared(Map.of("backbone.topics.default-partitions", "2"));
        EmbeddedBroker other = EmbeddedBroker.shared(Map.of());
        assertThat(b).isSameAs(a);
        assertThat(other).isNotSameAs(a);
        assertThat(other.port()).isNotEqualTo(a.port());
    }

    private HttpResponse<String> get(EmbeddedBroker broker, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(broker.url() + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
