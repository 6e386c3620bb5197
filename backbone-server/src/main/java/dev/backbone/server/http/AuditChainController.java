package dev.backbone.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.backbone.server.audit.AuditChains;
import dev.backbone.server.audit.ChainClaim;
import dev.backbone.server.audit.ChainHead;
import dev.backbone.server.audit.ChainLink;
import dev.backbone.server.audit.ChainVerification;
import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Audit chain endpoints of one partition: the chain head, to record elsewhere, and a verification that
 * recomputes every link from the segment bytes. The chain itself is defined in {@code docs/AUDIT-CHAIN.md}.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
@RestController
@RequestMapping(path = "/v1/topics/{topic}/partitions/{partition}/chain", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Audit chains", description = "Tamper-evident hash chains over a partition's stored batches")
public class AuditChainController {

    /**
     * The newest link of a partition's chain.
     *
     * @param offset  the last offset the link covers (the newest batch's last offset); -1 before any batch
     * @param hash    the link: 64 lower-case hexadecimal digits of a SHA-256 digest
     * @param batches the batches in the chain, from the log start (or the retention anchor) to this head
     */
    public record ChainHeadResponse(String topic, int partition, long offset, String hash, long batches) {

        static ChainHeadResponse of(String topic, int partition, ChainHead head) {
            return new ChainHeadResponse(topic, partition, head.offset(), head.link().hex(), head.batches());
        }
    }

    /**
     * A head recorded earlier that the verification must find in the chain: the batch ending at {@code offset}
     * must have link {@code hash}. Optional; both or neither.
     */
    public record VerifyRequest(Long offset, String hash) {
    }

    /**
     * The outcome of a verification.
     *
     * @param valid          whether every link recomputed from the segment bytes matched
     * @param batches        batches verified (when invalid: those before the break)
     * @param head           the verified head (when valid)
     * @param claim          {@code matched}, or {@code deleted} when the claimed offset lies before the retained
     *                       chain; absent without a claim
     * @param brokenAtOffset the base offset of the first batch that failed (when invalid)
     * @param reason         why it failed, a stable slug such as {@code link-mismatch} (when invalid)
     * @param detail         file, position and values of the failure (when invalid)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerifyResponse(boolean valid, long batches, ChainHeadResponse head, String claim,
                                 Long brokenAtOffset, String reason, String detail) {
    }

    private final AuditChains chains;
    private final Scheduler auditScheduler;

    public AuditChainController(AuditChains chains, AuditScheduler auditScheduler) {
        this.chains = chains;
        this.auditScheduler = auditScheduler.scheduler();
    }

    @GetMapping
    @Operation(summary = "Chain head", description = "The newest link of the partition's audit chain and the offset"
            + " it covers. Record it elsewhere (a ticket, another system, a signed note): a later verification"
            + " given it proves nothing before it was rewritten.")
    @ApiResponse(responseCode = "200", description = "The head", content = @Content(schema = @Schema(example =
            "{\"topic\": \"payments\", \"partition\": 0, \"offset\": 41, \"hash\":"
                    + " \"9f2c...64 hex digits\", \"batches\": 12}")))
    @ProblemResponses({ProblemType.UNKNOWN_TOPIC, ProblemType.UNKNOWN_PARTITION, ProblemType.AUDIT_CHAIN_DISABLED})
    public ChainHeadResponse head(@PathVariable("topic") String topic, @PathVariable("partition") int partition) {
        return ChainHeadResponse.of(topic, partition, chains.chain(topic, partition).head());
    }

    @PostMapping(path = "/verify")
    @Operation(summary = "Verify the chain", description = "Recomputes every link from the segment files and"
            + " compares it with the stored chain; answers 200 either way, with valid=false and the first offset"
            + " where it breaks when it does. Optionally checks that a head recorded earlier is part of the chain."
            + " Reads and hashes the whole partition.")
    @ApiResponse(responseCode = "200", description = "The verification report", content = @Content(schema =
            @Schema(example = "{\"valid\": false, \"batches\": 7, \"brokenAtOffset\": 23, \"reason\":"
                    + " \"link-mismatch\", \"detail\": \"...\"}")))
    @ProblemResponses({ProblemType.UNKNOWN_TOPIC, ProblemType.UNKNOWN_PARTITION, ProblemType.AUDIT_CHAIN_DISABLED,
            ProblemType.INVALID_PARAMETER, ProblemType.MALFORMED_JSON})
    public Mono<VerifyResponse> verify(@PathVariable("topic") String topic, @PathVariable("partition") int partition,
                                       @RequestBody(required = false) VerifyRequest request) {
        return Mono.defer(() -> {
            ChainClaim claim = claim(request);
            var chain = chains.chain(topic, partition);
            return Mono.fromCallable(() -> response(topic, partition, chain.verify(claim)))
                    .subscribeOn(auditScheduler)
                    .onErrorMap(RejectedExecutionException.class, e -> new BackboneException(ProblemType.UNAVAILABLE,
                            "too many chain verifications are running; try again later", Map.of(), e));
        });
    }

    private static ChainClaim claim(VerifyRequest request) {
        if (request == null || (request.offset() == null && request.hash() == null)) {
            return null;
        }
        if (request.offset() == null || request.hash() == null) {
            throw new BackboneException(ProblemType.INVALID_PARAMETER, "a claimed head needs both \"offset\" and"
                    + " \"hash\"", Map.of("parameter", request.offset() == null ? "offset" : "hash"));
        }
        try {
            return new ChainClaim(request.offset(), ChainLink.parseHex(request.hash()));
        } catch (IllegalArgumentException e) {
            throw new BackboneException(ProblemType.INVALID_PARAMETER, "\"hash\": " + e.getMessage(),
                    Map.of("parameter", "hash"));
        }
    }

    private static VerifyResponse response(String topic, int partition, ChainVerification result) {
        if (result.valid()) {
            String claim = result.claim() == ChainClaim.Outcome.NONE ? null
                    : result.claim().name().toLowerCase(Locale.ROOT);
            return new VerifyResponse(true, result.batches(), ChainHeadResponse.of(topic, partition, result.head()),
                    claim, null, null, null);
        }
        return new VerifyResponse(false, result.batches(), null, null, result.brokenAtOffset(),
                result.reason().slug(), result.detail());
    }
}
