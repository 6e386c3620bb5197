package dev.backbone.server.http.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.http.BlockingScheduler;
import dev.backbone.server.http.ProblemResponses;
import dev.backbone.server.security.ApiKey;
import dev.backbone.server.security.ApiKeyHash;
import dev.backbone.server.security.ApiKeys;
import dev.backbone.server.security.SecurityAuditLog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
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
 * {@code /v1/admin/api-keys}: create (the secret is in the answer, once), list (never a secret) and revoke API
 * keys. Every change is fsynced and recorded in the security audit before it is answered. See
 * {@code docs/SECURITY.md}.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
@RestController
@RequestMapping(path = "/v1/admin/api-keys", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Security admin", description = "API keys and ACLs; needs alter on the cluster")
public class ApiKeysController {

    /**
     * The body of a create.
     *
     * @param principal the principal the key authenticates as
     * @param expiresAt when the key stops working (ISO-8601, e.g. 2027-01-01T00:00:00Z); never when absent
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CreateKeyRequest(String principal, String expiresAt) {
    }

    /** A key as listed: never the secret. */
    public record KeyView(String id, String principal, Instant createdAt, Instant expiresAt, String source,
                          boolean expired) {
    }

    /**
     * The answer to a create: the secret, shown this once, the key's id, and its hash as configuration takes it
     * (to move the key into {@code backbone.security.api-keys}).
     */
    public record CreatedKey(String id, String principal, Instant createdAt, Instant expiresAt, String key,
                             String hash) {
    }

    /** The key list. */
    public record KeyList(List<KeyView> keys) {
    }

    private final ApiKeys keys;
    private final SecurityAuditLog audit;
    private final Clock clock;
    private final Scheduler blocking;

    public ApiKeysController(ApiKeys keys, SecurityAuditLog audit, BlockingScheduler blocking) {
        this.keys = keys;
        this.audit = audit;
        this.clock = keys.clock();
        this.blocking = blocking.scheduler();
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create an API key", description = "Answers 201 with the key (bb_...): store it now, the"
            + " broker keeps only its SHA-256 and cannot show it again.")
    @ProblemResponses({ProblemType.INVALID_PARAMETER, ProblemType.MALFORMED_JSON})
    public Mono<ResponseEntity<CreatedKey>> create(@RequestBody CreateKeyRequest request, ServerWebExchange exchange) {
        String principal = request.principal();
        if (principal == null || principal.isBlank()) {
            return Mono.error(AdminRequests.invalid("principal", "the body needs a \"principal\""));
        }
        Instant expiresAt = expiresAt(request.expiresAt());
        return AdminRequests.actor(exchange).publishOn(blocking).map(actor -> {
            ApiKeys.NewApiKey created = keys.create(principal, expiresAt);
            ApiKey key = created.key();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("id", key.id());
            details.put("principal", key.principal());
            details.put("expiresAt", key.expiresAt() == null ? null : key.expiresAt().toString());
            audit.changed(actor, "api-key.created", details);
            return ResponseEntity.created(URI.create("/v1/admin/api-keys/" + key.id()))
                    .cacheControl(CacheControl.noStore())
                    .body(new CreatedKey(key.id(), key.principal(), key.createdAt(), key.expiresAt(),
                            created.secret(), ApiKeyHash.labelled(key.hash())));
        });
    }

    private Instant expiresAt(String text) {
        if (text == null) {
            return null;
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw AdminRequests.invalid("expiresAt", "expiresAt is an ISO-8601 instant such as"
                    + " 2027-01-01T00:00:00Z, got \"" + text + "\"");
        }
        if (!expiresAt.isAfter(clock.instant())) {
            throw AdminRequests.invalid("expiresAt", "expiresAt " + text + " is not in the future");
        }
        return expiresAt;
    }

    @GetMapping
    @Operation(summary = "List API keys", description = "Ids, principals, creation and expiry; never a secret.")
    public KeyList list(@RequestParam(name = "principal", required = false) String principal) {
        Instant now = clock.instant();
        return new KeyList(keys.list().stream()
                .filter(key -> principal == null || key.principal().equals(principal))
                .map(key -> new KeyView(key.id(), key.principal(), key.createdAt(), key.expiresAt(), key.source(),
                        key.expiredAt(now)))
                .toList());
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke an API key", description = "Takes effect at once and survives restarts; a key"
            + " from configuration stays revoked while it is still configured.")
    @ProblemResponses(ProblemType.UNKNOWN_API_KEY)
    public Mono<Void> revoke(@PathVariable("id") String id, ServerWebExchange exchange) {
        return AdminRequests.actor(exchange).publishOn(blocking).doOnNext(actor -> {
            ApiKey key = keys.revoke(id);
            audit.changed(actor, "api-key.revoked", Map.of("id", key.id(), "principal", key.principal()));
        }).then();
    }
}
