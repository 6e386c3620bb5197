package dev.backbone.server.http.stream;

import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.backbone.server.error.ProblemType;
import dev.backbone.server.http.BlockingScheduler;
import dev.backbone.server.http.ProblemResponses;
import dev.backbone.server.http.RequestParams;
import dev.backbone.server.http.idempotency.IdempotencyCache;
import dev.backbone.server.http.idempotency.IdempotencyKeys;
import dev.backbone.server.http.idempotency.IdempotentRequests;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.topic.InternalTopicException;
import dev.backbone.server.topic.StorageGuard;
import dev.backbone.server.topic.TopicRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Streaming produce over NDJSON (see {@link NdjsonProducer}). The topic is resolved (and created, if allowed)
 * before the answer starts, so an unknown topic is an ordinary problem answer; failures after that are error lines.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
@RestController
@RequestMapping("/v1/topics/{topic}")
@Tag(name = "Produce", description = "Append records")
public class StreamingProduceController {

    private final NdjsonProducer producer;
    private final IdempotencyCache idempotencyCache;
    private final IdempotentNdjson idempotent;
    private final TopicRegistry registry;
    private final StorageGuard storageGuard;
    private final Scheduler blockingScheduler;

    public StreamingProduceController(NdjsonProducer producer, TopicRegistry registry, StorageGuard storageGuard,
                                      BlockingScheduler scheduler, IdempotencyCache idempotencyCache,
                                      NdjsonAnswerLimit answerLimit) {
        this.producer = producer;
        this.idempotencyCache = idempotencyCache;
        this.idempotent = new IdempotentNdjson(producer, answerLimit.maxAnswerBytes());
        this.registry = registry;
        this.storageGuard = storageGuard;
        this.blockingScheduler = scheduler.scheduler();
    }

    @PostMapping(path = "/records", consumes = MediaType.APPLICATION_NDJSON_VALUE,
            produces = MediaType.APPLICATION_NDJSON_VALUE)
    @Operation(summary = "Produce a stream of records (NDJSON)",
            description = "Body: one record per line, each shaped like one element of the JSON produce's records"
                    + " array. Lines are appended as they arrive, in small batches; the body may be of any length"
                    + " (the per-request limit does not apply, the per-record one does). The answer streams one line"
                    + " {\"partition\": p, \"offset\": o} per record in order; the first bad line ends the stream"
                    + " with a line {\"error\": <problem>} (with \"line\", its line number), and the lines before it"
                    + " stay stored. Clients must read the answer while they send. With Idempotency-Key, a retry"
                    + " of the same body gets the first answer again and appends nothing.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    mediaType = MediaType.APPLICATION_NDJSON_VALUE,
                    schema = @Schema(example = "{\"key\": \"order-7\", \"value\": {\"total\": 12.5}}\n"
                            + "{\"value\": \"plain\"}\n"))))
    @ProblemResponses({ProblemType.UNKNOWN_TOPIC, ProblemType.INVALID_TOPIC, ProblemType.INVALID_PARAMETER,
            ProblemType.INSUFFICIENT_STORAGE, ProblemType.DURABILITY_UNKNOWN, ProblemType.IDEMPOTENCY_KEY_REUSED,
            ProblemType.IDEMPOTENT_ANSWER_NOT_KEPT, ProblemType.INTERNAL_TOPIC})
    public Mono<Void> produce(@PathVariable("topic") String topic,
                              @RequestParam(name = "flush", required = false) String flush,
                              ServerHttpRequest request, ServerHttpResponse response) {
        return Mono.defer(() -> {
            FlushMode flushMode = RequestParams.flush(flush);
            String keyHeader = request.getHeaders().getFirst(IdempotencyKeys.HEADER);
            if (keyHeader == null) {
                return stream(topic, flushMode, request, response, null);
            }
            String key = IdempotencyKeys.validate(keyHeader);
            IdempotencyCache.StreamClaim claim = idempotencyCache.claimStream(topic, key);
            if (claim.owner()) {
                return stream(topic, flushMode, request, response, claim)
                        .doOnError(error -> claim.abandon(error));
            }
            return idempotent.replay(claim, IdempotentRequests.target(request), request.getBody(), topic, key)
                    .flatMap(answer -> {
                        HttpHeaders headers = response.getHeaders();
                        headers.setContentType(MediaType.APPLICATION_NDJSON);
                        headers.set(IdempotentRequests.REPLAYED_HEADER, "true");
                        return response.writeWith(Mono.just(response.bufferFactory().wrap(answer)));
                    });
        });
    }

    private Mono<Void> stream(String topic, FlushMode flushMode, ServerHttpRequest request,
                              ServerHttpResponse response, IdempotencyCache.StreamClaim claim) {
        storageGuard.checkWritable();
        DataBufferFactory buffers = response.bufferFactory();
        String instance = request.getPath().value();
        return Mono.fromCallable(() -> InternalTopicException.checkNotInternal(registry.getOrCreate(topic),
                        "producing"))
                .subscribeOn(blockingScheduler)
                .flatMap(resolved -> {
                    HttpHeaders headers = response.getHeaders();
                    headers.setContentType(MediaType.APPLICATION_NDJSON);
                    headers.setCacheControl("no-cache");
                    Flux<byte[]> answer = claim == null
                            ? producer.produce(topic, request.getBody(), flushMode, instance)
                            : idempotent.runFirst(claim, IdempotentRequests.target(request), request.getBody(),
                                    instance, body -> producer.produce(topic, body, flushMode, instance));
                    return response.writeAndFlushWith(answer.map(lines -> Mono.just(buffers.wrap(lines))));
                });
    }
}
