package dev.backbone.server.cluster;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/cluster}: the cluster as this broker sees it. Only in a cluster; a single broker answers 404.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborator.
 */
@RestController
@ConditionalOnProperty(prefix = "backbone.cluster", name = "peers")
@Tag(name = "Cluster", description = "Brokers, controller and partition leaders of a replicated cluster")
public class ClusterController {

    private final ClusterStatus status;

    public ClusterController(ClusterStatus status) {
        this.status = status;
    }

    @GetMapping(path = "/v1/cluster", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Describe the cluster",
            description = "This broker's id, the metadata leader (controller), the peers, and for every partition its"
                    + " replicas, leader, Raft term, commit and applied index and the end offset this broker serves.")
    public Mono<ClusterView> cluster() {
        return Mono.fromSupplier(status::view);
    }
}
