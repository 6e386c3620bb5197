package dev.backbone.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.stream.Collectors;

/**
 * The few broker calls the load generator makes, over the JDK HTTP client (HTTP/1.1, one pooled
 * connection per concurrent request).
 *
 * <p>Thread safety: thread-safe; one instance is shared by all workers of a run.
 */
public final class BrokerClient {

    public static final String BATCH_MEDIA_TYPE = "application/vnd.backbone.batch";
    public static final String END_OFFSET_HEADER = "Backbone-End-Offset";
    public static final String LOG_START_OFFSET_HEADER = "Backbone-Log-Start-Offset";
    public static final String NEXT_OFFSET_HEADER = "Backbone-Next-Offset";

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI broker;
    private final HttpClient http;

    public BrokerClient(URI broker) {
        this.broker = broker;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** The builder with the {@code Authorization} header of {@link BrokerToken}, when one is set. */
    private static HttpRequest.Builder authorized(HttpRequest.Builder builder) {
        String token = BrokerToken.token();
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    public URI broker() {
        return broker;
    }

    /** Creates the topic; an existing topic (409) is fine, its partition count is left as it is. */
    public void createTopic(String topic, int partitions, Map<String, String> config)
            throws IOException, InterruptedException {
        String configJson = config.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
        String body = "{\"name\":\"" + topic + "\",\"partitions\":" + partitions + ",\"config\":" + configJson + "}";
        HttpRequest request = authorized(HttpRequest.newBuilder(broker.resolve("/v1/topics")))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201 && response.statusCode() != 409) {
            throw new BrokerException("create topic " + topic, response.statusCode(), response.body());
        }
    }

    /**
     * Sends a request with an optional JSON body and returns the answer whatever its status: for the calls that
     * have no method of their own (groups, actuator metrics).
     */
    public HttpResponse<String> exchange(String method, String path, String jsonBody)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(broker.resolve(path)).timeout(REQUEST_TIMEOUT);
        if (jsonBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Appends one or more encoded batches to a partition; returns the answer's body. */
    public CompletableFuture<HttpResponse<String>> produceBinary(String topic, int partition, byte[] batches,
                                                                 String flush) {
        HttpRequest request = authorized(HttpRequest.newBuilder(
                        broker.resolve(partitionPath(topic, partition) + "/records" + flushQuery(flush))))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", BATCH_MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(batches))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> requireOk("produce to " + topic + "-" + partition, r));
    }

    /** Produces a JSON body {@code {"records": [...]}} to a topic; the broker picks partitions. */
    public CompletableFuture<HttpResponse<String>> produceJson(String topic, byte[] body, String flush) {
        HttpRequest request = authorized(HttpRequest.newBuilder(
                        broker.resolve("/v1/topics/" + encode(topic) + "/records" + flushQuery(flush))))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> requireOk("produce to " + topic, r));
    }

    /**
     * Fetches batches and streams them through a {@link BatchBoundaryTracker}, never holding the body.
     *
     * @param offset a number, {@code earliest} or {@code latest}
     */
    public BinaryFetch fetchCounting(String topic, int partition, String offset, int maxBytes, long maxWaitMs)
            throws IOException, InterruptedException {
        HttpResponse<Object> response = http.send(fetchRequest(topic, partition, offset, maxBytes, maxWaitMs,
                BATCH_MEDIA_TYPE), info -> info.statusCode() == 200
                ? HttpResponse.BodySubscribers.fromSubscriber(new TrackingSubscriber(), s -> s.tracker)
                : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
                        s -> s));
        if (response.statusCode() != 200) {
            throw new BrokerException("fetch " + topic + "-" + partition + " at " + offset, response.statusCode(),
                    String.valueOf(response.body()));
        }
        BatchBoundaryTracker tracker = (BatchBoundaryTracker) response.body();
        if (!tracker.atBoundary()) {
            throw new IllegalStateException("fetch " + topic + "-" + partition + " at " + offset
                    + " ended inside a batch after " + tracker.bytes() + " bytes");
        }
        return new BinaryFetch(tracker, offsets(response));
    }

    /** Fetches batches into memory, for callers that decode the records. */
    public HttpResponse<byte[]> fetchBytes(String topic, int partition, String offset, int maxBytes, long maxWaitMs)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(fetchRequest(topic, partition, offset, maxBytes, maxWaitMs,
                BATCH_MEDIA_TYPE), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new BrokerException("fetch " + topic + "-" + partition + " at " + offset, response.statusCode(),
                    new String(response.body(), StandardCharsets.UTF_8));
        }
        return response;
    }

    /** Fetches decoded JSON records; returns the body size and the offsets from the headers. */
    public JsonFetch fetchJson(String topic, int partition, String offset, int maxBytes, long maxWaitMs)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(fetchRequest(topic, partition, offset, maxBytes, maxWaitMs,
                "application/json"), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new BrokerException("fetch " + topic + "-" + partition + " at " + offset, response.statusCode(),
                    new String(response.body(), StandardCharsets.UTF_8));
        }
        long next = requiredHeader(response, NEXT_OFFSET_HEADER);
        return new JsonFetch(response.body().length, next, offsets(response));
    }

    private HttpRequest fetchRequest(String topic, int partition, String offset, int maxBytes, long maxWaitMs,
                                     String accept) {
        String query = "?offset=" + encode(offset) + "&maxBytes=" + maxBytes + "&maxWaitMs=" + maxWaitMs;
        URI uri = broker.resolve(partitionPath(topic, partition) + "/records" + query);
        return authorized(HttpRequest.newBuilder(uri))
                .timeout(REQUEST_TIMEOUT.plusMillis(maxWaitMs))
                .header("Accept", accept)
                .GET()
                .build();
    }

    private static LogOffsets offsets(HttpResponse<?> response) {
        return new LogOffsets(requiredHeader(response, LOG_START_OFFSET_HEADER),
                requiredHeader(response, END_OFFSET_HEADER));
    }

    private static long requiredHeader(HttpResponse<?> response, String name) {
        OptionalLong value = response.headers().firstValueAsLong(name);
        if (value.isEmpty()) {
            throw new IllegalStateException("the answer to " + response.request().uri() + " has no " + name
                    + " header");
        }
        return value.getAsLong();
    }

    private static <T> HttpResponse<T> requireOk(String what, HttpResponse<T> response) {
        if (response.statusCode() / 100 != 2) {
            throw new BrokerException(what, response.statusCode(), String.valueOf(response.body()));
        }
        return response;
    }

    private static String partitionPath(String topic, int partition) {
        return "/v1/topics/" + encode(topic) + "/partitions/" + partition;
    }

    private static String flushQuery(String flush) {
        return flush == null ? "" : "?flush=" + encode(flush);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The log's start and end offsets as the broker reported them on a fetch. */
    public record LogOffsets(long logStartOffset, long endOffset) {
    }

    /** A streamed binary fetch: the tracker saw every byte. */
    public record BinaryFetch(BatchBoundaryTracker tracker, LogOffsets offsets) {
    }

    /** A JSON fetch: the body size and the offset to ask for next. */
    public record JsonFetch(long bodyBytes, long nextOffset, LogOffsets offsets) {
    }

    /** Feeds each arriving chunk to a tracker and lets go of it at once. */
    private static final class TrackingSubscriber implements Flow.Subscriber<List<ByteBuffer>> {

        private final BatchBoundaryTracker tracker = new BatchBoundaryTracker();

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> chunks) {
            for (ByteBuffer chunk : chunks) {
                tracker.accept(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            // The HTTP client completes the response exceptionally with the same error.
        }

        @Override
        public void onComplete() {
            // The finisher hands the tracker over once the body is complete.
        }
    }
}
