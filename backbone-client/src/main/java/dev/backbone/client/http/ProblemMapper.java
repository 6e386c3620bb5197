package dev.backbone.client.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a refused request's answer into the exception a client catches: the problem type's slug picks the typed
 * exception, the status decides for types the broker does not define (401, 403, 429 from a gateway or a future
 * authentication layer), and everything else is a plain {@link BackboneProblemException}. An answer that is not
 * problem+json (an HTML page from a proxy) becomes a problem of type {@code about:blank} with the body's start as
 * its detail, so a caller never needs to look at raw bodies.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProblemMapper {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> STANDARD_MEMBERS = Set.of("type", "title", "status", "detail", "instance");
    private static final int MAX_DETAIL_CHARS = 500;

    private ProblemMapper() {
    }

    /**
     * The exception for an answer.
     *
     * @param headers the answer's headers, for {@code Retry-After}; may be null
     */
    public static BackboneProblemException toException(int status, HttpHeaders headers, byte[] body) {
        Problem problem = parse(status, body);
        return switch (problem.slug()) {
            case "version-conflict", "precondition-failed" -> new ConcurrencyConflictException(problem);
            case "offset-out-of-range" -> new OffsetOutOfRangeException(problem);
            case "unknown-member" -> new UnknownMemberException(problem);
            case "unknown-group" -> new UnknownGroupException(problem);
            case "generation-fenced" -> new GenerationFencedException(problem);
            case "partition-not-owned" -> new PartitionNotOwnedException(problem);
            case "unknown-topic" -> new UnknownTopicException(problem);
            case "unknown-partition" -> new UnknownPartitionException(problem);
            case "topic-exists" -> new TopicExistsException(problem);
            case "out-of-order-sequence" -> new OutOfOrderSequenceException(problem);
            case "producer-fenced" -> new ProducerFencedException(problem);
            case "idempotency-key-reused" -> new IdempotencyKeyReusedException(problem);
            case "audit-chain-disabled" -> new AuditChainDisabledException(problem);
            default -> byStatus(problem, headers);
        };
    }

    private static BackboneProblemException byStatus(Problem problem, HttpHeaders headers) {
        return switch (problem.status()) {
            case 401 -> new AuthenticationException(problem);
            case 403 -> new AccessDeniedException(problem);
            case 429 -> new QuotaExceededException(problem, retryAfter(problem, headers));
            default -> new BackboneProblemException(problem);
        };
    }

    /** The problem in a body, or one made up from the status when the body is not a problem object. */
    static Problem parse(int status, byte[] body) {
        JsonNode root = null;
        try {
            root = body.length == 0 ? null : JSON.readTree(body);
        } catch (JacksonException e) {
            root = null;
        }
        if (root == null || !root.isObject() || !root.path("type").isString()) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            String detail = text.isEmpty() ? "HTTP " + status + " without a problem body"
                    : "HTTP " + status + ": " + (text.length() > MAX_DETAIL_CHARS
                    ? text.substring(0, MAX_DETAIL_CHARS) + "..." : text);
            return new Problem(URI.create("about:blank"), "HTTP " + status, status, detail, null, Map.of());
        }
        Map<String, Object> extensions = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : root.properties()) {
            if (!STANDARD_MEMBERS.contains(member.getKey()) && !member.getValue().isNull()) {
                extensions.put(member.getKey(), plain(member.getValue()));
            }
        }
        return new Problem(uri(root.path("type").stringValue()), root.path("title").asString(null),
                root.path("status").asInt(status), root.path("detail").asString(null),
                root.path("instance").asString(null), extensions);
    }

    private static URI uri(String text) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            return URI.create("about:blank");
        }
    }

    /** A JSON member as a plain Java value: Long, Double, Boolean, String, or the JSON text of a structure. */
    private static Object plain(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isString()) {
            return node.stringValue();
        }
        return node.toString();
    }

    private static Duration retryAfter(Problem problem, HttpHeaders headers) {
        String header = headers == null ? null : headers.get("Retry-After");
        if (header != null) {
            try {
                return Duration.ofSeconds(Long.parseLong(header.trim()));
            } catch (NumberFormatException e) {
                // An HTTP date instead of seconds: fall back to the problem's member, if any.
            }
        }
        long seconds = problem.longMember("retryAfter", -1L);
        return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    }
}
