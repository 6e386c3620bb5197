package dev.backbone.server.http;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.security.Resource;
import dev.backbone.server.security.Visibility;
import dev.backbone.server.topic.InternalTopicException;
import dev.backbone.server.topic.InvalidConfigException;
import dev.backbone.server.topic.InvalidTopicException;
import dev.backbone.server.topic.StorageGuard;
import dev.backbone.server.topic.TopicDescription;
import dev.backbone.server.topic.TopicNames;
import dev.backbone.server.topic.TopicRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code /v1/topics}: create, list, describe and delete topics. Creation and deletion do file I/O and run on the
 * blocking scheduler.
 *
 * <p>Thread safety: stateless apart from its collaborators, which are thread-safe.
 */
@RestController
@RequestMapping(path = "/v1/topics", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Topics", description = "Create, list, describe, reconfigure and delete topics")
public class TopicsController {

    /** RFC 7396: the media type of a JSON merge patch, which is what a config change is. */
    static final String MERGE_PATCH_JSON = "application/merge-patch+json";

    /**
     * The body of a create request.
     *
     * @param name       the topic name: letters, digits, '.', '_', '-', at most 249 characters
     * @param partitions the partition count; the broker default when absent
     * @param config     topic config, values as JSON strings, numbers or booleans
     */
    public record CreateTopicRequest(String name, Integer partitions, Map<String, Object> config) {
    }

    /**
     * The body of a config change.
     *
     * @param config the keys to change, values as JSON strings, numbers or booleans; null puts a key back to the
     *               broker default
     */
    public record AlterConfigRequest(Map<String, Object> config) {
    }

    /** One entry of the topic list. */
    public record TopicSummary(String name, int partitions, boolean internal) {
    }

    /** The topic list. */
    public record TopicList(List<TopicSummary> topics) {
    }

    private final TopicRegistry registry;
    private final StorageGuard storageGuard;
    private final Scheduler blockingScheduler;
    private final Visibility visibility;

    public TopicsController(TopicRegistry registry, StorageGuard storageGuard, BlockingScheduler blockingScheduler,
                            Visibility visibility) {
        this.registry = registry;
        this.storageGuard = storageGuard;
        this.blockingScheduler = blockingScheduler.scheduler();
        this.visibility = visibility;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a topic", description = "Answers 201 with the new topic's description.")
    @ProblemResponses({ProblemType.TOPIC_EXISTS, ProblemType.INVALID_TOPIC, ProblemType.INVALID_CONFIG,
            ProblemType.MALFORMED_JSON, ProblemType.INSUFFICIENT_STORAGE})
    public Mono<ResponseEntity<TopicDescription>> create(@RequestBody CreateTopicRequest request) {
        return Mono.fromCallable(() -> {
            if (request.name() == null) {
                throw new InvalidTopicException(null, "the body needs a \"name\"");
            }
            if (TopicNames.isInternal(request.name())) {
                throw new InvalidTopicException(request.name(), "names starting with '"
                        + TopicNames.INTERNAL_PREFIX + "' are reserved for the broker's own topics");
            }
            storageGuard.checkWritable();
            int partitions = request.partitions() != null ? request.partitions()
                    : registry.options().defaultPartitions();
            TopicDescription created = registry.create(request.name(), partitions, configStrings(request.config()));
            return ResponseEntity.created(URI.create("/v1/topics/" + created.name())).body(created);
        }).subscribeOn(blockingScheduler);
    }

    @PatchMapping(path = "/{topic}", consumes = {MediaType.APPLICATION_JSON_VALUE, MERGE_PATCH_JSON})
    @Operation(summary = "Change a topic's config", description = "The body's \"config\" is a JSON merge patch of"
            + " the topic's config: a key with a value sets it, a key with null goes back to the broker default, keys"
            + " not named keep their value. Partitions take the new settings from their next append, roll and"
            + " retention check. audit.chain cannot change after creation; internal topics cannot be changed.")
    @ProblemResponses({ProblemType.UNKNOWN_TOPIC, ProblemType.INVALID_CONFIG, ProblemType.INTERNAL_TOPIC,
            ProblemType.MALFORMED_JSON, ProblemType.INSUFFICIENT_STORAGE})
    public Mono<TopicDescription> alterConfig(@PathVariable("topic") String topic,
                                              @RequestBody AlterConfigRequest request) {
        return Mono.fromCallable(() -> {
            InternalTopicException.checkNotInternal(topic, "changing its config");
            if (request.config() == null) {
                throw new BackboneException(ProblemType.MALFORMED_JSON,
                        "the body needs a \"config\" object, e.g. {\"config\": {\"retention.ms\": 86400000}}");
            }
            storageGuard.checkWritable();
            return registry.alterConfig(topic, configChanges(request.config()));
        }).subscribeOn(blockingScheduler);
    }

    @GetMapping
    @Operation(summary = "List topics", description = "Internal topics (names starting with '__') only with"
            + " internal=true. With security enforced, only the topics the principal may describe.")
    public Mono<TopicList> list(@Parameter(description = "include the broker's internal topics")
                                @RequestParam(name = "internal", defaultValue = "false") boolean internal,
                                ServerWebExchange exchange) {
        return visibility.describable(exchange).map(visible -> new TopicList(registry.names(internal).stream()
                .filter(name -> visible.test(Resource.topic(name)))
                .flatMap(name -> registry.find(name).stream())
                .map(t -> new TopicSummary(t.name(), t.partitionCount(), t.isInternal()))
                .toList()));
    }

    @GetMapping("/{topic}")
    @Operation(summary = "Describe a topic", description = "Per partition: start and end offset and size in"
            + " bytes; and the effective config.")
    @ProblemResponses(ProblemType.UNKNOWN_TOPIC)
    public TopicDescription describe(@PathVariable("topic") String topic) {
        return registry.describe(topic);
    }

    @DeleteMapping("/{topic}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a topic and all its data", description = "The broker's internal topics"
            + " (names starting with __) cannot be deleted: 403.")
    @ProblemResponses({ProblemType.UNKNOWN_TOPIC, ProblemType.INTERNAL_TOPIC})
    public Mono<Void> delete(@PathVariable("topic") String topic) {
        return Mono.<Void>fromRunnable(() -> {
            InternalTopicException.checkNotInternal(topic, "deleting it");
            registry.delete(topic);
        }).subscribeOn(blockingScheduler);
    }

    /** Like {@link #configStrings}, but a null value stays null: it means "back to the default". */
    private static Map<String, String> configChanges(Map<String, Object> config) {
        Map<String, String> changes = new LinkedHashMap<>();
        config.forEach((key, value) -> changes.put(key, value == null ? null : configString(key, value)));
        return changes;
    }

    private static Map<String, String> configStrings(Map<String, Object> config) {
        Map<String, String> strings = new LinkedHashMap<>();
        if (config == null) {
            return strings;
        }
        config.forEach((key, value) -> strings.put(key, configString(key, value)));
        return strings;
    }

    private static String configString(String key, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw new InvalidConfigException(key, value == null ? null : value.toString(),
                "must be a JSON string, number or boolean");
    }
}
