package dev.backbone.client.http;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * A client of one Backbone broker over HTTP, on Reactor Netty with a pool of keep-alive connections. Every
 * operation is a cold {@link Mono}: nothing is sent until it is subscribed, and each subscription sends again.
 * Problem answers become {@link BackboneProblemException}s (typed where a client acts on them); transport failures
 * and timeouts become {@link BackboneUnavailableException} once the retries the settings allow are spent. Only
 * requests that are safe to repeat are retried (see {@link RetrySettings}).
 *
 * <p>Nothing blocks: results are decoded on the connection's event loop. Create one client per broker and share
 * it; {@link #close()} releases its connections. Thread-safe.
 */
public final class BackboneClient implements AutoCloseable {

    private final BackboneClientSettings settings;

    public BackboneClient(BackboneClientSettings settings) {
        this.settings = settings;
    }

    /** A client with default settings. */
    public static BackboneClient create(String baseUri) {
        return new BackboneClient(BackboneClientSettings.builder(baseUri).build());
    }

    public BackboneClientSettings settings() {
        return settings;
    }

    // ---- topics

    /** Creates a topic; {@link TopicExistsException} when the name is taken. Not retried. */
    public Mono<TopicInfo> createTopic(String name, int partitions, Map<String, String> config) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Creates a topic unless it exists; answers the topic either way (an existing one keeps its settings). */
    public Mono<TopicInfo> createTopicIfMissing(String name, int partitions, Map<String, String> config) {
        throw new UnsupportedOperationException("not built yet");
    }

    public Mono<TopicInfo> describeTopic(String name) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The topics clients may write to (no internal ones). */
    public Mono<List<TopicSummary>> listTopics() {
        throw new UnsupportedOperationException("not built yet");
    }

    public Mono<List<TopicSummary>> listTopics(boolean includeInternal) {
        throw new UnsupportedOperationException("not built yet");
    }

    public Mono<Void> deleteTopic(String name) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Changes a topic's config as a merge patch: a null value returns that key to the broker default. */
    public Mono<TopicInfo> alterTopicConfig(String name, Map<String, String> patch) {
        throw new UnsupportedOperationException("not built yet");
    }

    // ---- produce and fetch

    /**
     * Appends record batches (Kafka RecordBatch v2, back to back) to a partition, atomically. Retried only when
     * repeating is safe: with an idempotency key, or when the batches carry a producer id and sequence.
     */
    public Mono<ProduceResult> produce(String topic, int partition, ByteBuffer batches, ProduceOptions options) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** A producer whose batches the broker deduplicates; share one per application. */
    public IdempotentProducer idempotentProducer() {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Reads a partition from {@code offset} in the binary format and decodes it. */
    public Mono<FetchResult> fetch(String topic, int partition, long offset, FetchOptions options) {
        throw new UnsupportedOperationException("not built yet");
    }

    public Mono<PartitionOffsets> offsets(String topic, int partition) {
        throw new UnsupportedOperationException("not built yet");
    }

    // ---- consumer groups

    /** Joins a group; {@code sessionTimeout} null takes the broker's default. */
    public Mono<GroupMembership> joinGroup(String group, List<String> topics, Duration sessionTimeout) {
        throw new UnsupportedOperationException("not built yet");
    }

    public Mono<GroupMembership> heartbeat(String group, String memberId) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Fetches all of the member's partitions at once, long-polling up to {@code options.maxWait()}.
     *
     * @param from start positions overriding the committed offsets, or an empty list
     */
    public Mono<GroupFetchResult> groupFetch(String group, String memberId, FetchOptions options,
                                             List<FetchPosition> from) {
        throw new UnsupportedOperationException("not built yet");
    }

    public Mono<Void> commit(String group, String memberId, int generation, List<OffsetCommit> offsets) {
        throw new UnsupportedOperationException("not built yet");
    }

    public Mono<Void> leaveGroup(String group, String memberId) {
        throw new UnsupportedOperationException("not built yet");
    }

    public Mono<GroupDescription> describeGroup(String group) {
        throw new UnsupportedOperationException("not built yet");
    }

    // ---- key streams

    /**
     * Appends events to a key's stream if its version is {@code expectedVersion} ({@link ExpectedVersion#ANY}:
     * no check; {@link ExpectedVersion#NO_STREAM}: must not exist). A mismatch is
     * {@link ConcurrencyConflictException}.
     */
    public Mono<KeyAppendResult> appendToKey(String topic, String key, long expectedVersion,
                                             List<KeyedEvent> events) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** As {@link #appendToKey(String, String, long, List)} with a flush mode (null: the topic's). */
    public Mono<KeyAppendResult> appendToKey(String topic, String key, long expectedVersion,
                                             List<KeyedEvent> events, Flush flush) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Reads up to {@code limit} events of a key's stream from {@code fromVersion}. */
    public Mono<KeyStreamPage> readKey(String topic, String key, long fromVersion, int limit) {
        throw new UnsupportedOperationException("not built yet");
    }

    // ---- audit chains

    public Mono<ChainHead> chainHead(String topic, int partition) {
        throw new UnsupportedOperationException("not built yet");
    }

    public Mono<ChainVerification> verifyChain(String topic, int partition) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Verifies the chain and that {@code claim}, a head recorded earlier, is in it. */
    public Mono<ChainVerification> verifyChain(String topic, int partition, ChainHead claim) {
        throw new UnsupportedOperationException("not built yet");
    }

    // ---- health

    /** Completes when the broker answers its health endpoint with UP; fails otherwise. */
    public Mono<Void> health() {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Closes the connection pool. Requests in flight fail. */
    @Override
    public void close() {
    }
}
