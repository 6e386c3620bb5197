package dev.backbone.server.cluster;

import dev.backbone.server.group.CoordinatorLeadership;
import dev.backbone.server.group.NotCoordinatorException;
import dev.backbone.server.group.OffsetRecords;
import dev.backbone.server.group.OffsetStore;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.replication.ClusterPeer;
import dev.backbone.server.replication.NoLeaderException;
import dev.backbone.server.replication.ReplicationNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Sends each request about one consumer group ({@code /v1/groups/{group}} and below) to the group's coordinator:
 * the leader of the offsets partition the group's name hashes to, where the group's membership lives. A broker
 * that coordinates the group serves the request; any other forwards it (clients talk to one address, often a
 * load-balanced Service), or with {@code ?redirect=true} answers 307 with the coordinator's URL in
 * {@code Location}. While no coordinator is known the request waits, up to {@code backbone.cluster.request-timeout},
 * then gets 503 {@code no-leader}. A request forwarded once is never forwarded again: if it reaches a broker that
 * does not coordinate the group (views of the leader differ during an election) it gets 503 {@code leader-changed}.
 * A broker that holds no replica of the offsets partition does not know its leader: it passes the request to one of
 * the replicas, which serves or forwards it.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
public final class CoordinatorForwardFilter implements WebFilter, Ordered {

    /** Next to the produce redirect: after authentication and quotas, so a forward is charged like any request. */
    public static final int ORDER = ProduceRedirectFilter.ORDER + 1;

    private static final PathPattern GROUP = new PathPatternParser().parse("/v1/groups/{group}/**");
    private static final Duration LEADER_POLL = Duration.ofMillis(50);

    private final ReplicationNode node;
    private final OffsetStore offsets;
    private final CoordinatorLeadership leadership;
    private final RequestForwarder forwarder;
    private final Duration longestAnswer;

    /** @param maxWait the longest a group fetch may wait for records, so that a forwarded long poll is not cut */
    public CoordinatorForwardFilter(ReplicationNode node, OffsetStore offsets, CoordinatorLeadership leadership,
                                    RequestForwarder forwarder, Duration maxWait) {
        this.node = node;
        this.offsets = offsets;
        this.leadership = leadership;
        this.forwarder = forwarder;
        this.longestAnswer = maxWait.plus(node.requestTimeout()).plus(node.requestTimeout());
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        PathPattern.PathMatchInfo match = GROUP.matchAndExtract(request.getPath().pathWithinApplication());
        if (match == null) {
            return chain.filter(exchange);
        }
        String group = match.getUriVariables().get("group");
        int partition = offsets.partitionIndex(group);
        String what = "the coordinator of group " + group + " (offsets partition " + partition + ")";
        long deadline = System.nanoTime() + node.requestTimeout().toNanos();
        if (!node.isReplica(offsetsPartition(partition))) {
            // This broker does not know the leader: a replica does, and forwards it on (once) if it must.
            List<ClusterPeer> replicas = node.replicas(offsetsPartition(partition));
            ClusterPeer replica = replicas.get(ThreadLocalRandom.current().nextInt(replicas.size()));
            return forwarder.forward(exchange, replica, longestAnswer, what, false);
        }
        return coordinator(partition, what, deadline).flatMap(coordinator -> {
            if (coordinator.isEmpty()) {
                return chain.filter(exchange);
            }
            if (RequestForwarder.wasForwarded(request)) {
                return Mono.error(new NotCoordinatorException(group, partition));
            }
            if ("true".equals(request.getQueryParams().getFirst("redirect"))) {
                return redirect(exchange, coordinator.get());
            }
            return forwarder.forward(exchange, coordinator.get(), longestAnswer, what, true);
        });
    }

    private static TopicPartition offsetsPartition(int partition) {
        return new TopicPartition(OffsetRecords.TOPIC, partition);
    }

    /** Empty when this broker coordinates the partition's groups, else the broker that does; waits for one. */
    private Mono<Optional<ClusterPeer>> coordinator(int partition, String what, long deadline) {
        return Mono.defer(() -> {
            if (leadership.term(partition).isPresent()) {
                return Mono.just(Optional.<ClusterPeer>empty());
            }
            Optional<ClusterPeer> leader = node.leader(OffsetsLeadership.groupOf(partition));
            if (leader.isPresent() && !leader.get().equals(node.self())) {
                return Mono.just(leader);
            }
            if (System.nanoTime() - deadline > 0) {
                return Mono.error(new NoLeaderException(what, node.requestTimeout(), null));
            }
            return Mono.delay(LEADER_POLL).then(coordinator(partition, what, deadline));
        });
    }

    private static Mono<Void> redirect(ServerWebExchange exchange, ClusterPeer coordinator) {
        URI uri = exchange.getRequest().getURI();
        exchange.getResponse().setStatusCode(HttpStatus.TEMPORARY_REDIRECT);
        exchange.getResponse().getHeaders().setLocation(URI.create(coordinator.httpUrl() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        return exchange.getResponse().setComplete();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
