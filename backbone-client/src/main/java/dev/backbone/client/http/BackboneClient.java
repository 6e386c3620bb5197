package dev.backbone.client.http;

import static dev.backbone.client.http.RequestSpec.Retry.IF_NOT_SENT;
import static dev.backbone.client.http.RequestSpec.Retry.NEVER;
import static dev.backbone.client.http.RequestSpec.Retry.SAFE;

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.batch.RecordBatchDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A client of one Backbone broker over HTTP, on Reactor Netty with a pool of keep-alive connections. Every
 * operation is a cold {@link Mono}: nothing is sent until it is subscribed, and each subscription sends again.
 * Problem answers become {@link BackboneProblemException}s (typed where a client acts on them); transport failures
 * and timeouts become {@link BackboneUnavailableException} once the retries the settings allow are spent. Only
 * requests that are safe to repeat are retried (see {@link RetrySettings} and {@code docs/CLIENT.md}).
 *
 * <p>Nothing blocks: answers are decoded on the connection's event loop, so a subscriber that does slow work
 * should {@code publishOn} its own scheduler. Create one client per broker and share it; {@link #close()} releases
 * its connections. Thread-safe.
 */
public final class BackboneClient implements AutoCloseable {

    static final String BATCH_MEDIA_TYPE = "application/vnd.backbone.batch";
    private static final String JSON = "application/json";

    private final BackboneClientSettings settings;
    private final HttpTransport transport;

    public BackboneClient(BackboneClientSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.transport = new HttpTransport(settings);
    }

    /** A client with default settings. */
    public static BackboneClient create(String baseUri) {
        return new BackboneClient(BackboneClientSettings.builder(baseUri).build());
    }

    public BackboneClientSettings settings() {
        return settings;
    }

    // ---- topics

    /**
     * Creates a topic; {@link TopicExistsException} when the name is taken. Retried only if never sent. A
     * {@code partitions} of 0 or less leaves the count to the broker's {@code backbone.topics.default-partitions}.
     */
    public Mono<TopicInfo> createTopic(String name, int partitions, Map<String, String> config) {
        return createTopic(name, partitions, config, IF_NOT_SENT);
    }

    /**
     * Creates a topic unless it exists; answers the topic either way (an existing one keeps its partitions and
     * config). Retried: a repeat finds the topic. {@code partitions} as for {@link #createTopic}.
     */
    public Mono<TopicInfo> createTopicIfMissing(String name, int partitions, Map<String, String> config) {
        return createTopic(name, partitions, config, SAFE)
                .onErrorResume(TopicExistsException.class, e -> describeTopic(name));
    }

    private Mono<TopicInfo> createTopic(String name, int partitions, Map<String, String> config,
                                        RequestSpec.Retry retry) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (partitions > 0) {
            body.put("partitions", partitions);
        }
        body.put("config", config == null ? Map.of() : config);
        return transport.exchange(json(HttpMethod.POST, "/v1/topics", body, retry))
                .map(answer -> JsonAnswers.topicInfo(answer.body()));
    }

    public Mono<TopicInfo> describeTopic(String name) {
        return transport.exchange(RequestSpec.get(topicPath(name)))
                .map(answer -> JsonAnswers.topicInfo(answer.body()));
    }

    /** The topics clients may write to (no internal ones). */
    public Mono<List<TopicSummary>> listTopics() {
        return listTopics(false);
    }

    public Mono<List<TopicSummary>> listTopics(boolean includeInternal) {
        return transport.exchange(RequestSpec.get(includeInternal ? "/v1/topics?internal=true" : "/v1/topics"))
                .map(answer -> JsonAnswers.topicList(answer.body()));
    }

    /** Deletes a topic and its records. Retried only if never sent. */
    public Mono<Void> deleteTopic(String name) {
        return transport.exchange(new RequestSpec(HttpMethod.DELETE, topicPath(name), null, null, null,
                Duration.ZERO, IF_NOT_SENT, null)).then();
    }

    /** Changes a topic's config as a merge patch: a null value returns that key to the broker default. */
    public Mono<TopicInfo> alterTopicConfig(String name, Map<String, String> patch) {
        Map<String, Object> body = Map.of("config", new LinkedHashMap<>(patch));
        byte[] bytes = JsonAnswers.write(body);
        return transport.exchange(new RequestSpec(HttpMethod.PATCH, topicPath(name), "application/merge-patch+json",
                        bytes(bytes), null, Duration.ZERO, SAFE, null))
                .map(answer -> JsonAnswers.topicInfo(answer.body()));
    }

    // ---- produce and fetch

    /**
     * Appends record batches (Kafka RecordBatch v2, back to back, from the buffer's position to its limit) to a
     * partition, atomically. The buffer is not changed. Retried only when a repeat is recognised by the broker:
     * with an idempotency key, or when the batches carry a producer id and sequence.
     */
    public Mono<ProduceResult> produce(String topic, int partition, ByteBuffer batches, ProduceOptions options) {
        ProduceOptions opts = options == null ? ProduceOptions.DEFAULT : options;
        ByteBuffer body = batches.asReadOnlyBuffer();
        boolean repeatable = opts.idempotencyKey() != null || carriesProducerId(body);
        String path = partitionPath(topic, partition) + "/records" + flushQuery("?", opts.flush());
        return transport.exchange(new RequestSpec(HttpMethod.POST, path, BATCH_MEDIA_TYPE,
                        () -> Unpooled.wrappedBuffer(body.duplicate()), null, Duration.ZERO,
                        repeatable ? SAFE : IF_NOT_SENT, opts.idempotencyKey()))
                .map(JsonAnswers::produceResult);
    }

    /** A producer whose batches the broker deduplicates; share one per application. Batches are uncompressed. */
    public IdempotentProducer idempotentProducer() {
        return idempotentProducer(CompressionCodec.NONE);
    }

    /** A producer whose batches the broker deduplicates, compressed with {@code compression}. */
    public IdempotentProducer idempotentProducer(CompressionCodec compression) {
        return new IdempotentProducer(this, compression);
    }

    /** Reads a partition from {@code offset} in the binary format and decodes it. */
    public Mono<FetchResult> fetch(String topic, int partition, long offset, FetchOptions options) {
        FetchOptions opts = options == null ? FetchOptions.DEFAULT : options;
        StringBuilder path = new StringBuilder(partitionPath(topic, partition)).append("/records?offset=")
                .append(offset).append("&maxWaitMs=").append(opts.maxWait().toMillis());
        if (opts.maxBytes() > 0) {
            path.append("&maxBytes=").append(opts.maxBytes());
        }
        RequestSpec spec = RequestSpec.get(path.toString()).withAccept(BATCH_MEDIA_TYPE)
                .withExtraWait(opts.maxWait());
        return transport.exchange(spec, (answer, body) -> BinaryFetch.decode(topic, partition, offset, answer, body));
    }

    /** The partition's log start and end offsets. */
    public Mono<PartitionOffsets> offsets(String topic, int partition) {
        return transport.exchange(RequestSpec.get(partitionPath(topic, partition) + "/offsets"))
                .map(answer -> JsonAnswers.offsets(answer.body()));
    }

    // ---- consumer groups

    /**
     * Joins a group; {@code sessionTimeout} null takes the broker's default. Retried only if never sent: a repeat
     * would join a second member.
     */
    public Mono<GroupMembership> joinGroup(String group, List<String> topics, Duration sessionTimeout) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("topics", topics);
        if (sessionTimeout != null) {
            body.put("sessionTimeoutMs", sessionTimeout.toMillis());
        }
        return transport.exchange(json(HttpMethod.POST, groupPath(group) + "/members", body, IF_NOT_SENT))
                .map(answer -> JsonAnswers.membership(group, answer.body()));
    }

    /** Renews the member's lease and answers its current generation and partitions. */
    public Mono<GroupMembership> heartbeat(String group, String memberId) {
        return transport.exchange(new RequestSpec(HttpMethod.POST, memberPath(group, memberId) + "/heartbeat",
                        null, null, null, Duration.ZERO, SAFE, null))
                .map(answer -> JsonAnswers.membership(group, answer.body()));
    }

    /**
     * Fetches all of the member's partitions at once, long-polling up to {@code options.maxWait()}.
     *
     * @param from start positions overriding the committed offsets, or an empty list
     */
    public Mono<GroupFetchResult> groupFetch(String group, String memberId, FetchOptions options,
                                             List<FetchPosition> from) {
        FetchOptions opts = options == null ? FetchOptions.DEFAULT : options;
        StringBuilder path = new StringBuilder(memberPath(group, memberId)).append("/records?maxWaitMs=")
                .append(opts.maxWait().toMillis());
        if (opts.maxBytes() > 0) {
            path.append("&maxBytes=").append(opts.maxBytes());
        }
        for (FetchPosition position : from == null ? List.<FetchPosition>of() : from) {
            path.append("&from=").append(PathSegments.encode(position.topic() + ":" + position.partition() + ":"
                    + position.offset()));
        }
        return transport.exchange(RequestSpec.get(path.toString()).withExtraWait(opts.maxWait()))
                .map(answer -> RecordJsonReader.groupFetch(answer.body()));
    }

    /** Commits offsets for the member's partitions in {@code generation}; all or none are stored. */
    public Mono<Void> commit(String group, String memberId, int generation, List<OffsetCommit> offsets) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("memberId", memberId);
        body.put("generation", generation);
        body.put("offsets", offsets.stream().map(o -> Map.of("topic", o.topic(), "partition", o.partition(),
                "offset", o.offset())).toList());
        return transport.exchange(json(HttpMethod.POST, groupPath(group) + "/offsets", body, SAFE)).then();
    }

    /**
     * Leaves the group, so its partitions move to the other members at once. A member the broker no longer knows
     * has left already: that completes too.
     */
    public Mono<Void> leaveGroup(String group, String memberId) {
        return transport.exchange(new RequestSpec(HttpMethod.DELETE, memberPath(group, memberId), null, null,
                        null, Duration.ZERO, SAFE, null))
                .then()
                .onErrorResume(UnknownMemberException.class, e -> Mono.empty());
    }

    public Mono<GroupDescription> describeGroup(String group) {
        return transport.exchange(RequestSpec.get(groupPath(group)))
                .map(answer -> JsonAnswers.groupDescription(answer.body()));
    }

    // ---- key streams

    /**
     * Appends events to a key's stream if its version is {@code expectedVersion} ({@link ExpectedVersion#ANY}:
     * no check; {@link ExpectedVersion#NO_STREAM}: must not exist). A mismatch is
     * {@link ConcurrencyConflictException}. Retried only with an expected version, which makes a repeat of a
     * stored append a conflict instead of a second copy.
     */
    public Mono<KeyAppendResult> appendToKey(String topic, String key, long expectedVersion,
                                             List<KeyedEvent> events) {
        return appendToKey(topic, key, expectedVersion, events, null);
    }

    /** As {@link #appendToKey(String, String, long, List)} with a flush mode (null: the topic's). */
    public Mono<KeyAppendResult> appendToKey(String topic, String key, long expectedVersion,
                                             List<KeyedEvent> events, Flush flush) {
        ExpectedVersion.check(expectedVersion);
        if (events.isEmpty()) {
            return Mono.error(new IllegalArgumentException("an append needs at least one event"));
        }
        String query = expectedVersion == ExpectedVersion.ANY ? "" : "?expectedVersion=" + expectedVersion;
        String path = keyPath(topic, key) + query + flushQuery(query.isEmpty() ? "?" : "&", flush);
        byte[] body = KeyAppendBody.write(events);
        return transport.exchange(new RequestSpec(HttpMethod.POST, path, JSON, bytes(body), null, Duration.ZERO,
                        expectedVersion == ExpectedVersion.ANY ? IF_NOT_SENT : SAFE, null))
                .map(answer -> JsonAnswers.keyAppend(answer.body()));
    }

    /** Reads up to {@code limit} events (1 to 10,000) of a key's stream from {@code fromVersion}. */
    public Mono<KeyStreamPage> readKey(String topic, String key, long fromVersion, int limit) {
        return transport.exchange(RequestSpec.get(keyPath(topic, key) + "?fromVersion=" + fromVersion
                        + "&limit=" + limit))
                .map(answer -> RecordJsonReader.keyStreamPage(answer.body()));
    }

    // ---- audit chains

    public Mono<ChainHead> chainHead(String topic, int partition) {
        return transport.exchange(RequestSpec.get(partitionPath(topic, partition) + "/chain"))
                .map(answer -> JsonAnswers.chainHead(JsonAnswers.tree(answer.body())));
    }

    public Mono<ChainVerification> verifyChain(String topic, int partition) {
        return verifyChain(topic, partition, null);
    }

    /** Verifies the chain and, with a {@code claim} (a head recorded earlier), that it is in the chain. */
    public Mono<ChainVerification> verifyChain(String topic, int partition, ChainHead claim) {
        Supplier<ByteBuf> body = claim == null ? null
                : bytes(JsonAnswers.write(Map.of("offset", claim.offset(), "hash", claim.hash())));
        return transport.exchange(new RequestSpec(HttpMethod.POST, partitionPath(topic, partition)
                        + "/chain/verify", claim == null ? null : JSON, body, null, Duration.ZERO, SAFE, null))
                .map(answer -> JsonAnswers.chainVerification(answer.body()));
    }

    // ---- health

    /** Completes when the broker answers its health endpoint with UP; fails otherwise. Not retried. */
    public Mono<Void> health() {
        return transport.exchange(RequestSpec.get("/actuator/health").withRetry(NEVER)).flatMap(answer -> {
            JsonNode root = JsonAnswers.tree(answer.body());
            String status = root.path("status").asString("UNKNOWN");
            return "UP".equals(status) ? Mono.<Void>empty() : Mono.error(new BackboneClientException(
                    "the broker at " + settings.baseUri() + " reports status " + status));
        });
    }

    /** Closes the connection pool. Requests in flight fail. */
    @Override
    public void close() {
        transport.close();
    }

    // ---- helpers

    Mono<Answer> exchange(RequestSpec spec) {
        return transport.exchange(spec);
    }

    private static RequestSpec json(HttpMethod method, String path, Object body, RequestSpec.Retry retry) {
        return new RequestSpec(method, path, JSON, bytes(JsonAnswers.write(body)), null, Duration.ZERO, retry,
                null);
    }

    private static Supplier<ByteBuf> bytes(byte[] body) {
        return () -> Unpooled.wrappedBuffer(body);
    }

    private static boolean carriesProducerId(ByteBuffer batches) {
        int at = batches.position() + RecordBatchDescriptor.PRODUCER_ID_OFFSET;
        return batches.limit() >= at + Long.BYTES && batches.getLong(at) >= 0;
    }

    private static String flushQuery(String separator, Flush flush) {
        return flush == null ? "" : separator + "flush=" + flush.wireName();
    }

    private static String topicPath(String topic) {
        return "/v1/topics/" + PathSegments.encode(topic);
    }

    private static String partitionPath(String topic, int partition) {
        return topicPath(topic) + "/partitions/" + partition;
    }

    private static String keyPath(String topic, String key) {
        return topicPath(topic) + "/keys/" + PathSegments.encode(key) + "/records";
    }

    private static String groupPath(String group) {
        return "/v1/groups/" + PathSegments.encode(group);
    }

    private static String memberPath(String group, String memberId) {
        return groupPath(group) + "/members/" + PathSegments.encode(memberId);
    }
}
