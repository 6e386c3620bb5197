package dev.backbone.server.http;

import dev.backbone.server.BackboneServerApplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A broker started and stopped by the test itself, for tests that restart it or need settings of their own:
 * 127.0.0.1, a random port, the given data directory and extra properties.
 */
final class BrokerProcess implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private BrokerProcess(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static BrokerProcess start(Path dataDir, String... properties) {
        List<String> args = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=0",
                "--backbone.data-dir=" + dataDir, "--logging.level.root=WARN",
                "--spring.main.banner-mode=off"));
        for (String property : properties) {
            args.add("--" + property);
        }
        return new BrokerProcess(new SpringApplicationBuilder(BackboneServerApplication.class)
                .run(args.toArray(String[]::new)));
    }

    int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl(baseUrl()).responseTimeout(Duration.ofSeconds(30))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024)).build();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
