package dev.backbone.server.http;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real broker on a random port of 127.0.0.1 with its data in a fresh directory under {@code target/}. Every
 * subclass shares the one broker (Spring caches the context), so starting it is paid once; tests therefore use
 * topic names of their own. The directory stays until {@code mvn clean}: the broker closes in Spring's shutdown
 * hook, after which nothing could delete it reliably.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.address=127.0.0.1",
        "backbone.long-poll.max-wait=20s",
        "backbone.storage.min-free-bytes=0",
        "logging.level.root=WARN"})
public abstract class BrokerIntegrationTest {

    protected static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Path DATA_DIR = Path.of("target", "test-data", "broker-" + System.nanoTime())
            .toAbsolutePath();

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("backbone.data-dir", DATA_DIR::toString);
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    protected WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl(baseUrl()).responseTimeout(Duration.ofSeconds(30))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024)).build();
    }

    protected static JsonNode json(byte[] body) {
        return JSON.readTree(body);
    }

    protected static JsonNode json(String body) {
        return JSON.readTree(body);
    }
}
