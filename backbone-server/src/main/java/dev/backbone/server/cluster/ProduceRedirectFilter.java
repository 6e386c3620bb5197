package dev.backbone.server.cluster;

import dev.backbone.client.Murmur2Partitioner;
import dev.backbone.server.http.edge.QuotaFilter;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.replication.ClusterPeer;
import dev.backbone.server.replication.NoLeaderException;
import dev.backbone.server.replication.RaftGroupIds;
import dev.backbone.server.replication.ReplicationNode;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Answers a produce sent with {@code ?redirect=true} to a broker that does not lead the target partition with 307
 * and the leader's URL in {@code Location} (same path and query), instead of forwarding it. The target partition
 * must follow from the request line: the partition path, a key stream's key, or a topic of one partition; other
 * produces are forwarded as usual. With no leader known within the request timeout the answer is 503
 * {@code no-leader}. A broker that holds no replica of the partition does not know its leader and forwards.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
public final class ProduceRedirectFilter implements WebFilter, Ordered {

    /** After the principal and quota filters, so a redirect is authenticated and charged like any request. */
    public static final int ORDER = QuotaFilter.ORDER + 10;

    private static final PathPatternParser PARSER = new PathPatternParser();
    private static final PathPattern TOPIC = PARSER.parse("/v1/topics/{topic}/records");
    private static final PathPattern PARTITION = PARSER.parse("/v1/topics/{topic}/partitions/{partition}/records");
    private static final PathPattern KEY = PARSER.parse("/v1/topics/{topic}/keys/{key}/records");
    private static final Duration LEADER_POLL = Duration.ofMillis(50);

    private final ReplicationNode node;
    private final TopicRegistry registry;

    public ProduceRedirectFilter(ReplicationNode node, TopicRegistry registry) {
        this.node = node;
        this.registry = registry;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var request = exchange.getRequest();
        if (request.getMethod() != HttpMethod.POST
                || !"true".equals(request.getQueryParams().getFirst("redirect"))) {
            return chain.filter(exchange);
        }
        Optional<TopicPartition> target = target(request.getPath().pathWithinApplication());
        if (target.isEmpty() || !node.isReplica(target.get())) {
            return chain.filter(exchange);
        }
        TopicPartition tp = target.get();
        long deadline = System.nanoTime() + node.requestTimeout().toNanos();
        return leader(tp, deadline).flatMap(leader -> {
            if (leader.equals(node.self())) {
                return chain.filter(exchange);
            }
            URI location = URI.create(leader.httpUrl() + request.getURI().getRawPath()
                    + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery()));
            exchange.getResponse().setStatusCode(HttpStatus.TEMPORARY_REDIRECT);
            exchange.getResponse().getHeaders().setLocation(location);
            return exchange.getResponse().setComplete();
        });
    }

    private Mono<ClusterPeer> leader(TopicPartition tp, long deadline) {
        return Mono.defer(() -> {
            Optional<ClusterPeer> leader = node.leader(RaftGroupIds.partition(tp));
            if (leader.isPresent()) {
                return Mono.just(leader.get());
            }
            if (System.nanoTime() - deadline > 0) {
                return Mono.error(new NoLeaderException("partition " + tp, node.requestTimeout(), null));
            }
            return Mono.delay(LEADER_POLL).then(leader(tp, deadline));
        });
    }

    private Optional<TopicPartition> target(PathContainer path) {
        PathPattern.PathMatchInfo match = PARTITION.matchAndExtract(path);
        if (match != null) {
            return partition(match.getUriVariables(), topic -> parse(match.getUriVariables().get("partition")));
        }
        PathPattern.PathMatchInfo key = KEY.matchAndExtract(path);
        if (key != null) {
            byte[] bytes = key.getUriVariables().get("key").getBytes(StandardCharsets.UTF_8);
            return partition(key.getUriVariables(), topic -> Murmur2Partitioner.partition(bytes,
                    topic.partitionCount()));
        }
        PathPattern.PathMatchInfo whole = TOPIC.matchAndExtract(path);
        if (whole != null) {
            return partition(whole.getUriVariables(), topic -> topic.partitionCount() == 1 ? 0 : -1);
        }
        return Optional.empty();
    }

    private Optional<TopicPartition> partition(Map<String, String> variables,
                                               java.util.function.ToIntFunction<Topic> partitionOf) {
        return registry.find(variables.get("topic")).flatMap(topic -> {
            int partition = partitionOf.applyAsInt(topic);
            return partition >= 0 && partition < topic.partitionCount()
                    ? Optional.of(new TopicPartition(topic.name(), partition)) : Optional.empty();
        });
    }

    private static int parse(String number) {
        try {
            return Integer.parseInt(number);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
