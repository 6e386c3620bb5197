package dev.backbone.spring.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;

/**
 * Spring Boot Actuator's {@link AuditEventRepository} on the audit trail, so {@code /actuator/auditevents} reads
 * the chain and Spring Security's authentication events land in it. An event's type becomes the entry's action,
 * its principal the actor, its data the details; a type containing {@code FAILURE} is a failed outcome.
 *
 * <p>Thread-safe. {@link #add} does not wait for the broker; {@link #find} reads the whole audit topic.
 */
public final class BackboneAuditEventRepository implements AuditEventRepository {

    private static final Log log = LogFactory.getLog(BackboneAuditEventRepository.class);

    private final AuditTrail trail;

    public BackboneAuditEventRepository(AuditTrail trail) {
        this.trail = trail;
    }

    @Override
    public void add(AuditEvent event) {
        Map<String, String> details = new LinkedHashMap<>();
        event.getData().forEach((name, value) -> details.put(name, String.valueOf(value)));
        AuditEntry entry = new AuditEntry(event.getPrincipal() == null ? CurrentActor.ANONYMOUS : event.getPrincipal(),
                event.getType(), null, null,
                event.getType().contains("FAILURE") ? AuditEntry.Outcome.FAILURE : AuditEntry.Outcome.SUCCESS,
                details, event.getTimestamp());
        trail.record(entry).whenComplete((offset, error) -> {
            if (error != null) {
                log.error("Could not record audit event " + event, error);
            }
        });
    }

    @Override
    public List<AuditEvent> find(String principal, Instant after, String type) {
        return trail.entries().stream()
                .filter(e -> principal == null || principal.equals(e.actor()))
                .filter(e -> after == null || e.time().isAfter(after))
                .filter(e -> type == null || type.equals(e.action()))
                .map(BackboneAuditEventRepository::toEvent)
                .toList();
    }

    private static AuditEvent toEvent(AuditEntry entry) {
        Map<String, Object> data = new LinkedHashMap<>(entry.details());
        data.put("outcome", entry.outcome().name());
        if (entry.entityType() != null) {
            data.put("entityType", entry.entityType());
        }
        if (entry.entityId() != null) {
            data.put("entityId", entry.entityId());
        }
        return new AuditEvent(entry.time(), entry.actor(), entry.action(), data);
    }
}
