package dev.backbone.server.http.edge;

import dev.backbone.server.BackboneServerApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A real broker for the edge tests on 127.0.0.1 and a random port, with the test's settings, a
 * {@link HeaderPrincipalFilter} standing in for authentication, and a JDK HTTP client.
 */
final class EdgeBroker implements AutoCloseable {

    /**
     * Adds the stand-in authentication to the broker's context. Not a {@code @Configuration}: the broker's component
     * scan would then put the filter into every broker the test JVM starts, not only the edge tests' ones.
     */
    static class TestPrincipals {
        @Bean
        HeaderPrincipalFilter headerPrincipalFilter() {
            return new HeaderPrincipalFilter();
        }
    }

    private final ConfigurableApplicationContext context;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EdgeBroker(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static EdgeBroker start(Path dataDir, String... properties) {
        List<String> args = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=0",
                "--backbone.data-dir=" + dataDir, "--backbone.storage.min-free-bytes=0",
                "--logging.level.root=WARN", "--spring.main.banner-mode=off"));
        for (String property : properties) {
            args.add("--" + property);
        }
        return new EdgeBroker(new SpringApplicationBuilder(BackboneServerApplication.class, TestPrincipals.class)
                .run(args.toArray(String[]::new)));
    }

    int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    int managementPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    HttpClient client() {
        return client;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** Sends {@code request} with a 30-second timeout. */
    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String principal) throws IOException, InterruptedException {
        return send(as(HttpRequest.newBuilder(uri(path)).GET(), principal));
    }

    HttpResponse<String> postJson(String path, String json, String principal)
            throws IOException, InterruptedException {
        return send(as(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), principal));
    }

    static HttpRequest.Builder as(HttpRequest.Builder request, String principal) {
        return principal == null ? request : request.header(HeaderPrincipalFilter.HEADER, principal);
    }

    @Override
    public void close() {
        context.close();
    }
}
