package dev.backbone.server.http.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.BackboneServerApplication;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * The fast path answers exactly as WebFlux does. Two real brokers, one with the fast path (the default) and one with
 * {@code backbone.http.fast-path=false}, get the same requests in the same order, good and bad ones, JSON produces and
 * key reads, and must give the same status, headers and body to each, and the same {@code http_server_requests}
 * series afterwards. Which requests
 * the fast path took is checked too, so that the comparisons are of the two paths and not of WebFlux with itself.
 */
class FastPathTest {

    /** Anonymous produce quota: above what the cases send, until one body's declared length runs it into debt. */
    private static final String QUOTA = "backbone.quotas.principals.anonymous.produce-bytes-per-second=100KB";

    @TempDir
    static Path dataDir;

    private static ConfigurableApplicationContext fast;
    private static ConfigurableApplicationContext plain;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One request: what it is called, how it is sent, and whether the fast path should take it. */
    private record Case(String name, HttpMethod method, String path, Map<String, String> headers, String body,
                        boolean chunked, boolean fast) {
        static Case fast(String name, String path, String body, String... headers) {
            return new Case(name, HttpMethod.POST, path, jsonHeaders(headers), body, false, true);
        }

        static Case webFlux(String name, String path, String body, String... headers) {
            return new Case(name, HttpMethod.POST, path, jsonHeaders(headers), body, false, false);
        }

        static Case read(String name, boolean fast, String path, String... headers) {
            Map<String, String> map = new TreeMap<>();
            for (int i = 0; i < headers.length; i += 2) {
                map.put(headers[i], headers[i + 1]);
            }
            return new Case(name, HttpMethod.GET, path, map, "", false, fast);
        }

        private static Map<String, String> jsonHeaders(String... pairs) {
            Map<String, String> headers = new TreeMap<>();
            headers.put("Content-Type", "application/json");
            for (int i = 0; i < pairs.length; i += 2) {
                headers.put(pairs[i], pairs[i + 1]);
            }
            return headers;
        }
    }

    /** An answer as compared: status, headers (names in lower case) and body. */
    private record Answer(int status, Map<String, List<String>> headers, String body) {
    }

    @BeforeAll
    static void start() {
        fast = start(dataDir.resolve("fast"));
        plain = start(dataDir.resolve("plain"), "backbone.http.fast-path=false");
    }

    @AfterAll
    static void stop() {
        if (fast != null) {
            fast.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    @Test
    void fastAndPlainBrokersAnswerEveryRequestAlikeAndCountThemAlike() throws Exception {
        assertThat(fast.getBean(FastPathDecorator.class).installed())
                .as("refused: %s", fast.getBean(FastPathDecorator.class).refusal()).isTrue();
        assertThat(plain.getBean(FastPathDecorator.class).installed()).isFalse();
        assertThat(plain.getBean(FastPathDecorator.class).refusal()).isEqualTo("backbone.http.fast-path=false");

        String big = "x".repeat(3000);
        List<Case> cases = List.of(
                Case.fast("one unkeyed record, topic auto-created", "/v1/topics/fp1/records",
                        "{\"records\":[{\"value\":\"" + big + "\"}]}"),
                Case.fast("keyed records with headers, timestamps and an explicit partition", "/v1/topics/fp1/records",
                        "{\"records\":[{\"key\":\"k1\",\"value\":{\"n\":1},\"headers\":{\"h\":\"v\"}},"
                                + "{\"key\":\"k2\",\"value\":[1,2],\"timestamp\":1700000000000},"
                                + "{\"value\":null,\"partition\":0},{\"key\":\"k1\",\"value\":\"again\"}]}"),
                Case.fast("flush=sync", "/v1/topics/fp1/records?flush=sync", "{\"records\":[{\"value\":1}]}"),
                Case.fast("Accept: application/json", "/v1/topics/fp1/records", "{\"records\":[{\"value\":2}]}",
                        "Accept", "application/json"),
                Case.fast("Accept: */*", "/v1/topics/fp1/records", "{\"records\":[{\"value\":3}]}",
                        "Accept", "*/*"),
                Case.fast("a bad flush value", "/v1/topics/fp1/records?flush=often", "{\"records\":[{\"value\":1}]}"),
                Case.fast("malformed JSON", "/v1/topics/fp1/records", "{\"records\":[{\"value\":1}"),
                Case.fast("an empty body", "/v1/topics/fp1/records", ""),
                Case.fast("no records member", "/v1/topics/fp1/records", "{\"recs\":[]}"),
                Case.fast("a record over the record limit", "/v1/topics/fp1/records",
                        "{\"records\":[{\"value\":\"" + "y".repeat(20_000) + "\"}]}"),
                Case.fast("a partition the topic lacks", "/v1/topics/fp1/records",
                        "{\"records\":[{\"value\":1,\"partition\":7}]}"),
                Case.fast("an internal topic", "/v1/topics/__backbone_acls/records", "{\"records\":[{\"value\":1}]}"),
                Case.fast("a topic name too long", "/v1/topics/" + "t".repeat(300) + "/records",
                        "{\"records\":[{\"value\":1}]}"),
                Case.fast("an idempotency key, first", "/v1/topics/fp2/records", "{\"records\":[{\"value\":1}]}",
                        "Idempotency-Key", "fp-key-1"),
                Case.fast("an idempotency key, retried", "/v1/topics/fp2/records", "{\"records\":[{\"value\":1}]}",
                        "Idempotency-Key", "fp-key-1"),
                Case.fast("an idempotency key reused with another body", "/v1/topics/fp2/records",
                        "{\"records\":[{\"value\":2}]}", "Idempotency-Key", "fp-key-1"),
                Case.fast("an invalid idempotency key", "/v1/topics/fp2/records", "{\"records\":[{\"value\":2}]}",
                        "Idempotency-Key", "\"\""),
                new Case("a chunked body", HttpMethod.POST, "/v1/topics/fp1/records", Case.jsonHeaders(),
                        "{\"records\":[{\"key\":\"c\",\"value\":\"chunked\"}]}", true, true),
                Case.webFlux("a charset parameter", "/v1/topics/fp1/records", "{\"records\":[{\"value\":4}]}",
                        "Content-Type", "application/json;charset=UTF-8"),
                Case.webFlux("an Accept the route cannot meet", "/v1/topics/fp1/records",
                        "{\"records\":[{\"value\":5}]}", "Accept", "text/plain"),
                Case.webFlux("another query parameter", "/v1/topics/fp1/records?flush=none&x=1",
                        "{\"records\":[{\"value\":6}]}"),
                Case.webFlux("a percent-encoded topic", "/v1/topics/fp%31/records", "{\"records\":[{\"value\":7}]}"),
                Case.webFlux("a CloudEvent in binary mode, JSON content", "/v1/topics/fp1/records", "{\"n\":1}",
                        "ce-specversion", "1.0", "ce-id", "e-1", "ce-source", "/test", "ce-type", "t"),
                Case.webFlux("NDJSON to the same path", "/v1/topics/fp1/records", "{\"value\":8}\n",
                        "Content-Type", "application/x-ndjson"),
                Case.fast("a body over the request limit, refused by its length and charged to the quota",
                        "/v1/topics/fp1/records", "{\"records\":[{\"value\":\"" + "z".repeat(300_000) + "\"}]}"),
                Case.fast("a produce while over the quota", "/v1/topics/fp1/records", "{\"records\":[{\"value\":9}]}"),
                Case.read("a key's stream", true, "/v1/topics/fp1/keys/k1/records"),
                Case.read("from a version, with a limit", true, "/v1/topics/fp1/keys/k1/records?fromVersion=1&limit=1",
                        "Accept", "application/json"),
                Case.read("If-None-Match with the current version", true, "/v1/topics/fp1/keys/k1/records",
                        "If-None-Match", "\"1\""),
                Case.read("If-None-Match with an old version", true, "/v1/topics/fp1/keys/k1/records",
                        "If-None-Match", "\"0\""),
                Case.read("a base64url key", true, "/v1/topics/fp1/keys/azI/records?keyEncoding=base64"),
                Case.read("an unknown key", true, "/v1/topics/fp1/keys/nobody/records"),
                Case.read("an unknown topic", true, "/v1/topics/fp-none/keys/k1/records"),
                Case.read("a limit out of range", true, "/v1/topics/fp1/keys/k1/records?limit=0"),
                Case.read("an unknown key encoding", true, "/v1/topics/fp1/keys/k1/records?keyEncoding=rot13"),
                Case.read("an Accept the route cannot meet", false, "/v1/topics/fp1/keys/k1/records",
                        "Accept", "text/plain"),
                Case.read("a percent-encoded key", false, "/v1/topics/fp1/keys/k%31/records"),
                Case.read("a parameter twice", false, "/v1/topics/fp1/keys/k1/records?limit=1&limit=2"),
                Case.read("an unknown parameter", false, "/v1/topics/fp1/keys/k1/records?offset=1"));

        List<FastRoute> routes = List.of(fast.getBean(JsonProduceRoute.class), fast.getBean(KeyReadRoute.class));
        for (Case c : cases) {
            boolean taken = routes.stream().anyMatch(route -> route.match(mockRequest(c)) != null);
            assertThat(taken).as("the fast path takes: %s", c.name()).isEqualTo(c.fast());
            Answer expected = normalized(send(plain, c));
            Answer actual = normalized(send(fast, c));
            assertThat(actual).as(c.name()).isEqualTo(expected);
        }
        assertThat(statuses(cases.size())).isEqualTo(
                List.of(200, 200, 200, 200, 200, 400, 400, 400, 400, 413, 404, 403, 400, 200, 200, 422, 400, 200,
                        200, 406, 200, 200, 200, 200, 413, 429,
                        200, 200, 304, 200, 200, 200, 404, 400, 400, 406, 200, 400, 200));
        assertThat(requestSeries(fast)).isEqualTo(requestSeries(plain));
    }

    @Test
    void theFastPathStaysOffWhereItWouldSkipSomething() {
        List<FastRoute> routes = List.of(fast.getBean(JsonProduceRoute.class));
        assertThat(FastPathDecorator.of(routes, null, null, true, false, List.of()).refusal())
                .contains("security is on");
        CorsWebFilter cors = new CorsWebFilter(new UrlBasedCorsConfigurationSource());
        assertThat(FastPathDecorator.of(routes, null, null, true, true, List.of(new QuotaFilter(null), cors))
                .refusal()).contains(CorsWebFilter.class.getName());
        HttpHandler webFlux = (request, response) -> response.setComplete();
        assertThat(FastPathDecorator.of(routes, null, null, true, false, List.of()).apply(webFlux)).isSameAs(webFlux);
        assertThat(FastPathDecorator.of(routes, null, null, true, true, List.of()).apply(webFlux))
                .as("not WebFlux's own adapter").isSameAs(webFlux);
    }

    private final List<Integer> statuses = new ArrayList<>();

    private List<Integer> statuses(int expected) {
        assertThat(statuses).hasSize(expected);
        return statuses;
    }

    private Answer send(ConfigurableApplicationContext broker, Case c) throws IOException, InterruptedException {
        byte[] body = c.body().getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher publisher = c.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(broker) + c.path()))
                .timeout(Duration.ofSeconds(30));
        if (c.method() == HttpMethod.GET) {
            request.GET();
        } else {
            request.POST(publisher);
        }
        c.headers().forEach(request::header);
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (broker == fast) {
            statuses.add(response.statusCode());
        }
        return new Answer(response.statusCode(), new TreeMap<>(response.headers().map()), response.body());
    }

    /**
     * The quota's wait shrinks while the requests run: it is compared as present, not by value (nor its length); the
     * records' timestamps are each broker's clock.
     */
    private static Answer normalized(Answer answer) {
        Map<String, List<String>> headers = new TreeMap<>(answer.headers());
        headers.computeIfPresent("retry-after", (name, values) -> List.of("<seconds>"));
        String body = answer.body().replaceAll("\"retryAfterMs\":\\d+", "\"retryAfterMs\":0")
                .replaceAll("retry in \\d+ ms", "retry in <n> ms");
        if (!body.equals(answer.body())) {
            headers.computeIfPresent("content-length", (name, values) -> List.of("<n>"));
        }
        // Each broker stamps the records it appends with its own clock; the digits' count is the same.
        body = body.replaceAll("\"timestamp\":\\d{13}", "\"timestamp\":<ms>");
        return new Answer(answer.status(), headers, body);
    }

    private static MockServerHttpRequest mockRequest(Case c) {
        MockServerHttpRequest.BodyBuilder request = MockServerHttpRequest.method(c.method(), URI.create(c.path()));
        c.headers().forEach(request::header);
        if (c.method() == HttpMethod.POST && !c.chunked()) {
            request.contentLength(c.body().getBytes(StandardCharsets.UTF_8).length);
        }
        return request.body(c.body());
    }

    /** Every {@code http_server_requests_seconds_count} series of the two routes, with its count. */
    private static String requestSeries(ConfigurableApplicationContext broker) throws Exception {
        HttpResponse<String> scrape = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + port(broker) + "/actuator/prometheus")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return scrape.body().lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count{")
                        && line.contains("uri=\"/v1/topics/{topic}/"))
                .sorted().collect(Collectors.joining("\n"));
    }

    private static int port(ConfigurableApplicationContext broker) {
        return Integer.parseInt(broker.getEnvironment().getProperty("local.server.port"));
    }

    private static ConfigurableApplicationContext start(Path data, String... properties) {
        List<String> args = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=0",
                "--backbone.data-dir=" + data, "--backbone.storage.min-free-bytes=0",
                "--backbone.limits.max-record-bytes=16KB", "--backbone.limits.max-request-bytes=64KB", "--" + QUOTA,
                "--logging.level.root=WARN", "--spring.main.banner-mode=off"));
        for (String property : properties) {
            args.add("--" + property);
        }
        return new SpringApplicationBuilder(BackboneServerApplication.class).run(args.toArray(String[]::new));
    }
}
