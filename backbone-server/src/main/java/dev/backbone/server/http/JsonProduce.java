package dev.backbone.server.http;

import dev.backbone.server.http.ProduceController.ProduceResponse;
import dev.backbone.server.http.idempotency.IdempotentRequests;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * A JSON produce request from its body to its answer: the flush override checked, the body gathered within the
 * request limit, the {@code Idempotency-Key} applied, the records parsed, placed and appended. The annotated
 * controller and the edge's fast path both answer through this one class, so the two cannot drift apart.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
public final class JsonProduce {

    private final ProduceService produceService;
    private final HttpLimits limits;
    private final IdempotentRequests idempotency;

    public JsonProduce(ProduceService produceService, HttpLimits limits, IdempotentRequests idempotency) {
        this.produceService = produceService;
        this.limits = limits;
        this.idempotency = idempotency;
    }

    /**
     * @param flush     the {@code flush} query parameter, or null
     * @param placement moves the parsed records to partitions (or refuses them) before they are appended
     */
    public Mono<ProduceResponse> produce(String topic, String flush, ServerHttpRequest request,
                                         ServerHttpResponse response,
                                         UnaryOperator<List<ProducedRecord>> placement) {
        return Mono.defer(() -> {
            var flushMode = RequestParams.flush(flush);
            return BodyReader.readHeap(request, limits.maxRequestBytes())
                    .flatMap(body -> idempotency.apply(request, response, topic, body, () -> Mono.fromCallable(
                                    () -> placement.apply(JsonProduceParser.parse(body.array(), body.limit())))
                            .flatMap(records -> produceService.produce(topic, records, flushMode))
                            .map(ProduceResponse::new)));
        });
    }
}
