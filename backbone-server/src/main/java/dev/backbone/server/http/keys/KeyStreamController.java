package dev.backbone.server.http.keys;

import dev.backbone.server.error.ProblemType;
import dev.backbone.server.http.BodyReader;
import dev.backbone.server.http.HttpLimits;
import dev.backbone.server.http.JsonProduceParser;
import dev.backbone.server.http.ProblemResponses;
import dev.backbone.server.http.RecordJson;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.stream.KeyStreamRead;
import dev.backbone.server.stream.VersionedRecord;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Key streams over HTTP: conditional appends to one key's stream and reads of it by version, with the stream's
 * version as its entity tag.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
@RestController
@RequestMapping(path = "/v1/topics/{topic}/keys/{key}/records", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Key streams", description = "Event sourcing: append to and read one key's records by version")
public class KeyStreamController {

    /** Records per read when the client names no limit. */
    static final int DEFAULT_LIMIT = 500;
    /** The most records one read returns. */
    static final int MAX_LIMIT = 10_000;

    /** The answer to an append: where the records went and the stream's version afterwards. */
    public record AppendResponse(String topic, int partition, String key, List<Long> offsets, int firstVersion,
                                 int nextExpectedVersion) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KeyStreamService service;
    private final HttpLimits limits;

    public KeyStreamController(KeyStreamService service, HttpLimits limits) {
        this.service = service;
        this.limits = limits;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Append to a key's stream",
            description = "Body as the JSON produce ({\"records\": [...]}); every record gets the key from the path"
                    + " and goes to murmur2(key) mod partitions. All records are appended atomically, and only if"
                    + " the stream's current version is expectedVersion (-1: the stream must not exist; omitted:"
                    + " no check), else 409 and nothing is written. If-Match: \"N\" / * and If-None-Match: * are"
                    + " the HTTP forms of the same check (412). The answer's nextExpectedVersion is the version of"
                    + " the last record written, also sent as the ETag.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(example = "{\"records\": [{\"value\": {\"type\": \"OrderPlaced\", \"total\": 12.5}}]}"))))
    @ProblemResponses({ProblemType.VERSION_CONFLICT, ProblemType.PRECONDITION_FAILED, ProblemType.MALFORMED_JSON,
            ProblemType.RECORD_TOO_LARGE, ProblemType.REQUEST_TOO_LARGE, ProblemType.UNKNOWN_TOPIC,
            ProblemType.INVALID_PARAMETER, ProblemType.INVALID_TOPIC, ProblemType.INSUFFICIENT_STORAGE,
            ProblemType.DURABILITY_UNKNOWN, ProblemType.UNAVAILABLE})
    public Mono<ResponseEntity<AppendResponse>> append(
            @PathVariable("topic") String topic,
            @PathVariable("key") String key,
            @Parameter(description = "the stream's current version the append requires; -1: must not exist")
            @RequestParam(name = "expectedVersion", required = false) String expectedVersion,
            @Parameter(description = "none or sync: overrides the topic's flush mode for this request")
            @RequestParam(name = "flush", required = false) String flush,
            @Parameter(description = "base64: the key in the path is base64url of raw bytes")
            @RequestParam(name = "keyEncoding", required = false) String keyEncoding,
            ServerHttpRequest request) {
        return Mono.defer(() -> {
            byte[] keyBytes = keyBytes(key, keyEncoding);
            FlushMode flushMode = flush(flush);
            List<VersionCondition> conditions = new ArrayList<>(3);
            if (expectedVersion != null && !expectedVersion.isEmpty()) {
                conditions.add(VersionCondition.expectedVersion(expectedVersion));
            }
            VersionCondition.ifMatch(request.getHeaders().get(HttpHeaders.IF_MATCH)).ifPresent(conditions::add);
            VersionCondition.ifNoneMatch(request.getHeaders().get(HttpHeaders.IF_NONE_MATCH))
                    .ifPresent(conditions::add);
            return BodyReader.readHeap(request, limits.maxRequestBytes())
                    .map(body -> JsonProduceParser.parse(body.array(), body.limit()))
                    .flatMap(records -> service.append(topic, keyBytes, key, records, conditions, flushMode))
                    .map(result -> ResponseEntity.ok()
                            .eTag(etag(result.lastVersion()))
                            .body(new AppendResponse(topic, result.partition(), key, result.offsets(),
                                    result.firstVersion(), result.lastVersion())));
        });
    }

    @GetMapping
    @Operation(summary = "Read a key's stream",
            description = "The key's records from fromVersion on, oldest first, in the consume JSON shape with a"
                    + " version on each, read through the key index (the partition is not scanned). The ETag is"
                    + " the stream's current version; If-None-Match with it answers 304. An unknown key is an empty"
                    + " stream: currentVersion -1, ETag \"-1\".")
    @ProblemResponses({ProblemType.UNKNOWN_TOPIC, ProblemType.INVALID_PARAMETER, ProblemType.INVALID_TOPIC,
            ProblemType.UNAVAILABLE})
    public Mono<Void> read(
            @PathVariable("topic") String topic,
            @PathVariable("key") String key,
            @Parameter(description = "the first version to return, 0 by default")
            @RequestParam(name = "fromVersion", required = false) String fromVersion,
            @Parameter(description = "the most records to return, 500 by default, at most 10000")
            @RequestParam(name = "limit", required = false) String limit,
            @Parameter(description = "base64: the key in the path is base64url of raw bytes")
            @RequestParam(name = "keyEncoding", required = false) String keyEncoding,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        return Mono.defer(() -> {
            byte[] keyBytes = keyBytes(key, keyEncoding);
            int from = intValue("fromVersion", fromVersion, 0, 0, Integer.MAX_VALUE);
            int max = intValue("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
            var notModified = VersionCondition.ifNoneMatch(request.getHeaders().get(HttpHeaders.IF_NONE_MATCH));
            return service.read(topic, keyBytes, from, max).flatMap(result -> {
                KeyStreamRead read = result.read();
                HttpHeaders headers = response.getHeaders();
                headers.setETag(etag(read.currentVersion()));
                if (notModified.isPresent() && !notModified.get().holds(read.currentVersion())) {
                    response.setStatusCode(HttpStatus.NOT_MODIFIED);
                    return response.setComplete();
                }
                byte[] body = body(topic, result.partition(), key, from, read);
                headers.setContentType(MediaType.APPLICATION_JSON);
                headers.setContentLength(body.length);
                return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
            });
        });
    }

    private static byte[] body(String topic, int partition, String key, int fromVersion, KeyStreamRead read) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringProperty("topic", topic);
            out.writeNumberProperty("partition", partition);
            out.writeStringProperty("key", key);
            out.writeNumberProperty("currentVersion", read.currentVersion());
            out.writeNumberProperty("nextVersion", read.nextVersion(fromVersion));
            out.writeName("records");
            out.writeStartArray();
            for (VersionedRecord record : read.records()) {
                RecordJson.write(out, record.record(), g -> g.writeNumberProperty("version", record.version()));
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        return bytes.toByteArray();
    }

    private static String etag(int version) {
        return "\"" + version + "\"";
    }

    private byte[] keyBytes(String key, String keyEncoding) {
        byte[] bytes;
        if (keyEncoding == null || keyEncoding.isEmpty() || keyEncoding.equalsIgnoreCase("utf-8")) {
            bytes = key.getBytes(StandardCharsets.UTF_8);
        } else if (keyEncoding.equalsIgnoreCase("base64")) {
            try {
                bytes = Base64.getUrlDecoder().decode(key);
            } catch (IllegalArgumentException e) {
                throw VersionCondition.invalid("key", key, "base64url (keyEncoding=base64)");
            }
        } else {
            throw VersionCondition.invalid("keyEncoding", keyEncoding, "'utf-8' (the default) or 'base64'");
        }
        if (bytes.length > limits.maxRecordBytes()) {
            throw VersionCondition.invalid("key", key.substring(0, Math.min(key.length(), 64)) + "...",
                    "a key of at most " + limits.maxRecordBytes() + " bytes");
        }
        return bytes;
    }

    private static FlushMode flush(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> FlushMode.NONE;
            case "sync" -> FlushMode.SYNC;
            default -> throw VersionCondition.invalid("flush", value, "'none' or 'sync'");
        };
    }

    private static int intValue(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw VersionCondition.invalid(name, value, "a whole number between " + min + " and " + max);
    }
}
