package dev.backbone.server.http.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.http.BlockingScheduler;
import dev.backbone.server.http.ProblemResponses;
import dev.backbone.server.security.AclBinding;
import dev.backbone.server.security.AclPermission;
import dev.backbone.server.security.Acls;
import dev.backbone.server.security.Operation;
import dev.backbone.server.security.PatternType;
import dev.backbone.server.security.ResourceType;
import dev.backbone.server.security.SecurityAuditLog;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
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
 * {@code /v1/admin/acls}: add, list (with filters) and delete ACLs in Kafka's model. Every change is fsynced and
 * recorded in the security audit before it is answered, and applies to the next request. See
 * {@code docs/SECURITY.md}.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
@RestController
@RequestMapping(path = "/v1/admin/acls", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Security admin", description = "API keys and ACLs; needs alter on the cluster")
public class AclsController {

    /**
     * An ACL as the API shows and takes it.
     *
     * @param id           its stable id (ignored in a create)
     * @param principal    a principal name, or "*" for every principal
     * @param resourceType topic, group or cluster
     * @param resourceName the name, the prefix, or "*"; for the cluster "kafka-cluster" (the default)
     * @param patternType  literal (the default) or prefixed
     * @param operation    read, write, create, delete, alter or describe
     * @param permission   allow (the default) or deny
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AclView(String id, String principal, String resourceType, String resourceName, String patternType,
                          String operation, String permission) {

        static AclView of(AclBinding acl) {
            return new AclView(acl.id(), acl.principal(), acl.resourceType().label(), acl.resourceName(),
                    acl.patternType().label(), acl.operation().label(), acl.permission().label());
        }
    }

    /** The ACL list. */
    public record AclList(List<AclView> acls) {
    }

    private final Acls acls;
    private final SecurityAuditLog audit;
    private final Scheduler blocking;

    public AclsController(Acls acls, SecurityAuditLog audit, BlockingScheduler blocking) {
        this.acls = acls;
        this.audit = audit;
        this.blocking = blocking.scheduler();
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.Operation(summary = "Add an ACL", description = "Answers 201 with the ACL and"
            + " its id, or 200 when the same ACL is already there.")
    @ProblemResponses({ProblemType.INVALID_PARAMETER, ProblemType.MALFORMED_JSON})
    public Mono<ResponseEntity<AclView>> add(@RequestBody AclView request, ServerWebExchange exchange) {
        AclBinding acl = toBinding(request);
        return AdminRequests.actor(exchange).publishOn(blocking).map(actor -> {
            boolean added = acls.add(acl);
            AclView view = AclView.of(acl);
            if (!added) {
                return ResponseEntity.ok(view);
            }
            audit.changed(actor, "acl.added", view);
            return ResponseEntity.created(URI.create("/v1/admin/acls/" + acl.id())).body(view);
        });
    }

    @GetMapping
    @io.swagger.v3.oas.annotations.Operation(summary = "List ACLs", description = "Every filter given must match"
            + " exactly.")
    @ProblemResponses(ProblemType.INVALID_PARAMETER)
    public AclList list(@RequestParam(name = "principal", required = false) String principal,
                        @RequestParam(name = "resourceType", required = false) String resourceType,
                        @RequestParam(name = "resourceName", required = false) String resourceName,
                        @RequestParam(name = "patternType", required = false) String patternType,
                        @RequestParam(name = "operation", required = false) String operation,
                        @RequestParam(name = "permission", required = false) String permission) {
        Predicate<AclBinding> filter = acl -> principal == null || acl.principal().equals(principal);
        filter = filter.and(equalTo("resourceType", resourceType, ResourceType::parse, AclBinding::resourceType));
        filter = filter.and(acl -> resourceName == null || acl.resourceName().equals(resourceName));
        filter = filter.and(equalTo("patternType", patternType, PatternType::parse, AclBinding::patternType));
        filter = filter.and(equalTo("operation", operation, Operation::parse, AclBinding::operation));
        filter = filter.and(equalTo("permission", permission, AclPermission::parse, AclBinding::permission));
        return new AclList(acls.list(filter).stream().map(AclView::of).toList());
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @io.swagger.v3.oas.annotations.Operation(summary = "Delete an ACL", description = "Applies to the next"
            + " request.")
    @ProblemResponses(ProblemType.UNKNOWN_ACL)
    public Mono<Void> delete(@PathVariable("id") String id, ServerWebExchange exchange) {
        return AdminRequests.actor(exchange).publishOn(blocking).doOnNext(actor -> {
            AclBinding removed = acls.remove(id);
            audit.changed(actor, "acl.removed", AclView.of(removed));
        }).then();
    }

    private static <T> Predicate<AclBinding> equalTo(String field, String text, Function<String, T> parse,
                                                     Function<AclBinding, T> value) {
        if (text == null) {
            return acl -> true;
        }
        T wanted = parse(field, text, parse);
        return acl -> value.apply(acl).equals(wanted);
    }

    private static <T> T parse(String field, String text, Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw AdminRequests.invalid(field, field + ": " + e.getMessage());
        }
    }

    private static AclBinding toBinding(AclView request) {
        ResourceType type = parse("resourceType", request.resourceType(), ResourceType::parse);
        String name = request.resourceName() != null ? request.resourceName()
                : type == ResourceType.CLUSTER ? ResourceType.CLUSTER_NAME : null;
        try {
            return new AclBinding(request.principal(), type, name,
                    request.patternType() == null ? PatternType.LITERAL
                            : parse("patternType", request.patternType(), PatternType::parse),
                    parse("operation", request.operation(), Operation::parse),
                    request.permission() == null ? AclPermission.ALLOW
                            : parse("permission", request.permission(), AclPermission::parse));
        } catch (IllegalArgumentException e) {
            throw AdminRequests.invalid("acl", e.getMessage());
        }
    }
}
