package dev.backbone.server.http.group;

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
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real broker on 127.0.0.1 and a random port over a given data directory, with a plain JDK HTTP client.
 * Closing it shuts the broker down cleanly; a new one on the same directory is a restart.
 */
final class Broker implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final ConfigurableApplicationContext context;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    private Broker(ConfigurableApplicationContext context) {
        this.context = context;
        this.base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    static Broker start(Path dataDir, String... properties) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
                "backbone.data-dir=" + dataDir, "backbone.groups.min-session-timeout=200ms",
                "backbone.groups.session-check-interval=50ms", "backbone.groups.lag-metric-interval=100ms",
                "spring.main.banner-mode=off"));
        all.addAll(List.of(properties));
        // As command-line arguments: they outrank application.yml, where builder defaults would not.
        return new Broker(new SpringApplicationBuilder(BackboneServerApplication.class)
                .run(all.stream().map(p -> "--" + p).toArray(String[]::new)));
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Response post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response post(String path) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    CompletableFuture<Response> getAsync(String path) {
        return client.sendAsync(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(Response::of);
    }

    /** Creates a topic with {@code partitions} partitions. */
    void createTopic(String name, int partitions) {
        Response created = post("/v1/topics", "{\"name\":\"" + name + "\",\"partitions\":" + partitions + "}");
        if (created.status() != 201) {
            throw new IllegalStateException("could not create topic " + name + ": " + created);
        }
    }

    /** Produces JSON string values to one partition; returns the offsets. */
    List<Long> produce(String topic, int partition, String... values) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < values.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"partition\":").append(partition).append(",\"value\":\"")
                    .append(values[i]).append("\"}");
        }
        Response produced = post("/v1/topics/" + topic + "/records", body.append("]}").toString());
        if (produced.status() != 200) {
            throw new IllegalStateException("produce failed: " + produced);
        }
        List<Long> offsets = new ArrayList<>();
        produced.json().get("offsets").forEach(o -> offsets.add(o.get("offset").asLong()));
        return offsets;
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            return Response.of(client.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }

    /** A status, the content type and the body. */
    record Response(int status, String contentType, String body) {

        static Response of(HttpResponse<String> response) {
            return new Response(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), response.body());
        }

        JsonNode json() {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }
}
