package dev.backbone.server.error;

import java.net.URI;

/**
 * Every kind of failure a client can see, each with a stable RFC 9457 problem type.
 *
 * <p>The type URI ({@code https://backbone.dev/problems/<slug>}) is public API: clients switch on it, so a
 * slug is never renamed or reused. Each constant is listed with an example in {@code docs/ERRORS.md}.
 *
 * <p>Thread safety: immutable.
 */
public enum ProblemType {

    /** The path names a topic that does not exist. */
    UNKNOWN_TOPIC("unknown-topic", "Unknown topic", 404),
    /** The topic exists but has no partition with that number. */
    UNKNOWN_PARTITION("unknown-partition", "Unknown partition", 404),
    /** No endpoint answers at this path. */
    NOT_FOUND("not-found", "Not found", 404),
    /** A topic with that name already exists. */
    TOPIC_EXISTS("topic-exists", "Topic already exists", 409),
    /** The topic name breaks the naming rules or is reserved. */
    INVALID_TOPIC("invalid-topic", "Invalid topic name", 400),
    /** The topic is one of the broker's own ({@code __} names): it can be read, not written or deleted. */
    INTERNAL_TOPIC("internal-topic", "Internal topic", 403),
    /** A topic config key is unknown or its value is out of range. */
    INVALID_CONFIG("invalid-config", "Invalid topic config", 400),
    /** A query or path parameter is missing, not a number, or out of range. */
    INVALID_PARAMETER("invalid-parameter", "Invalid parameter", 400),
    /** The body is not valid JSON, or valid JSON of the wrong shape. */
    MALFORMED_JSON("malformed-json", "Malformed JSON", 400),
    /** A record batch is truncated, inconsistent or not a v2 batch. */
    MALFORMED_BATCH("malformed-batch", "Malformed record batch", 400),
    /** A record batch's CRC-32C does not match its bytes. */
    CORRUPT_BATCH("corrupt-batch", "Record batch checksum mismatch", 400),
    /** A record batch uses a compression codec or format version this broker does not accept. */
    UNSUPPORTED_BATCH("unsupported-batch", "Unsupported record batch format", 400),
    /** The requested offset lies outside the partition's log. */
    OFFSET_OUT_OF_RANGE("offset-out-of-range", "Offset out of range", 416),
    /** One record is larger than the per-record limit. */
    RECORD_TOO_LARGE("record-too-large", "Record too large", 413),
    /** One record batch is larger than the per-batch limit. */
    BATCH_TOO_LARGE("batch-too-large", "Record batch too large", 413),
    /** The request body is larger than the per-request limit. */
    REQUEST_TOO_LARGE("request-too-large", "Request too large", 413),
    /** The request's Content-Type is not accepted here. */
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
    /** None of the media types in Accept can be produced here. */
    NOT_ACCEPTABLE("not-acceptable", "Not acceptable", 406),
    /** The path exists but not for this HTTP method. */
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
    /** The topic exists but keeps no audit chain (topic config {@code audit.chain=true} turns it on). */
    AUDIT_CHAIN_DISABLED("audit-chain-disabled", "Audit chain not enabled", 409),
    /** Free disk space is below the configured threshold, or the disk refused a write. Reads go on. */
    INSUFFICIENT_STORAGE("insufficient-storage", "Insufficient storage", 507),
    /** The consumer group has no members and no committed offsets. */
    UNKNOWN_GROUP("unknown-group", "Unknown consumer group", 404),
    /** The member is not in the group: it never joined, it left, or its session expired. Join again. */
    UNKNOWN_MEMBER("unknown-member", "Unknown group member", 404),
    /** The request names a group generation that is no longer current: the group rebalanced. */
    GENERATION_FENCED("generation-fenced", "Stale group generation", 409),
    /** A commit or fetch names a partition the member does not own in the current generation. */
    PARTITION_NOT_OWNED("partition-not-owned", "Partition not owned by the member", 409),
    /** The group already has the most members allowed. */
    GROUP_FULL("group-full", "Consumer group is full", 409),
    /** A CloudEvent misses a required attribute, has an unsupported specversion or a malformed attribute. */
    INVALID_CLOUDEVENT("invalid-cloudevent", "Invalid CloudEvent", 400),
    /** An Idempotency-Key was used before, within the window, for a different request. */
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency key reused", 422),
    /** A batch from an idempotent producer neither continues nor repeats one of its recent sequences. */
    OUT_OF_ORDER_SEQUENCE("out-of-order-sequence", "Out-of-order producer sequence", 409),
    /** A batch from an idempotent producer carries an epoch older than one already used. */
    PRODUCER_FENCED("producer-fenced", "Producer fenced", 409),
    /** A retried streaming produce whose first answer was larger than the broker keeps. */
    IDEMPOTENT_ANSWER_NOT_KEPT("idempotent-answer-not-kept", "Idempotent answer not kept", 409),
    /** A key stream append's {@code expectedVersion} is not the stream's current version; nothing was written. */
    VERSION_CONFLICT("version-conflict", "Version conflict", 409),
    /** An {@code If-Match} or {@code If-None-Match} condition on a key stream does not hold; nothing was written. */
    PRECONDITION_FAILED("precondition-failed", "Precondition failed", 412),
    /**
     * The records were written, but the fsync that was to make them durable failed: they may or may not survive
     * a restart. The partition refuses writes until the broker restarts.
     */
    DURABILITY_UNKNOWN("durability-unknown", "Durability unknown", 500),
    /**
     * The request to a protected endpoint carries no credentials, or credentials that are malformed, unknown,
     * expired or revoked. Sent with a {@code WWW-Authenticate: Bearer} header.
     */
    UNAUTHENTICATED("unauthenticated", "Unauthenticated", 401),
    /** The principal is authenticated but lacks a permission; the problem names the operation and the resource. */
    ACCESS_DENIED("access-denied", "Access denied", 403),
    /** No live API key has that id: it never existed or is already revoked. */
    UNKNOWN_API_KEY("unknown-api-key", "Unknown API key", 404),
    /** No ACL has that id. */
    UNKNOWN_ACL("unknown-acl", "Unknown ACL", 404),
    /** The request head did not arrive whole in time after its first byte; the connection was closed. */
    REQUEST_TIMEOUT("request-timeout", "Request timeout", 408),
    /** The principal is over a produce, fetch or request quota; nothing was done. {@code Retry-After} says when. */
    QUOTA_EXCEEDED("quota-exceeded", "Quota exceeded", 429),
    /** The principal already has the most consumes parked in long polls that it may have. */
    TOO_MANY_WAITERS("too-many-waiters", "Too many waiting consumes", 429),
    /** The broker is shutting down or the partition was closed under the request. */
    UNAVAILABLE("unavailable", "Service unavailable", 503),
    /**
     * The broker reached its limit of open files ({@code ulimit -n}) while serving the request; nothing of it was
     * kept (a topic being created is rolled back) and what is already open keeps serving.
     */
    TOO_MANY_OPEN_FILES("too-many-open-files", "Too many open files", 503),
    /**
     * In a cluster: no leader of the partition (or of the metadata) answered within the request timeout. Sent with
     * {@code Retry-After}; the write may or may not have been committed.
     */
    NO_LEADER("no-leader", "No leader", 503),
    /**
     * In a cluster: the broker led the Raft group (coordinated the consumer group) when the request arrived, but a new
     * leader took over before the write was applied, so it was refused and nothing was written. Sent with
     * {@code Retry-After}; a retry reaches the new leader.
     */
    LEADER_CHANGED("leader-changed", "Leader changed", 503),
    /** In a cluster: this broker holds no replica of the partition read; {@code replicas} lists the ones that do. */
    NOT_REPLICA("not-replica", "Not a replica", 421),
    /** A fault inside the broker; the detail names it, the logs have the stack trace. */
    INTERNAL_ERROR("internal-error", "Internal error", 500);

    /** Prefix of every type URI. */
    public static final String TYPE_PREFIX = "https://backbone.dev/problems/";

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** The HTTP status code sent with this problem. */
    public int status() {
        return status;
    }

    public URI type() {
        return URI.create(TYPE_PREFIX + slug);
    }
}
