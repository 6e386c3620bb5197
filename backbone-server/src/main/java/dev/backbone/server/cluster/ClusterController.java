package dev.backbone.server.cluster;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/cluster}: the cluster as this broker sees it. A broker running alone answers 404 {@code not-found}:
 * it is in no cluster.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborator.
 */
@RestController
@Tag(name = "Cluster", description = "Brokers, controller and partition leaders of a replicated cluster")
public class ClusterController {

    private final ClusterStatus status;

    public ClusterController(ObjectProvider<ClusterStatus> status) {
        this.status = status.getIfAvailable();
    }

    @GetMapping(path = "/v1/cluster", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Describe the cluster",
            description = "This broker's id, the metadata leader (controller), the peers, and for every partition its"
                    + " replicas, leader, Raft term, commit and applied index and the end offset this broker serves."
                    + " 404 on a broker running alone.")
    public Mono<ClusterView> cluster() {
        if (status == null) {
            return Mono.error(new BackboneException(ProblemType.NOT_FOUND,
                    "this broker runs alone (backbone.cluster.peers is unset): there is no cluster to describe"));
        }
        return Mono.fromSupplier(status::view);
    }
}
