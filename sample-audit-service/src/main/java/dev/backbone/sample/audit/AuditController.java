package dev.backbone.sample.audit;

import dev.backbone.client.http.ChainVerification;
import dev.backbone.spring.audit.AuditTrail;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit API: entries by entity, actor and time, an entity's history, the chain check and the dead letters. */
@RestController
public class AuditController {

    private final AuditView view;
    private final BusinessEventLog events;
    private final DeadLetters deadLetters;
    private final AuditTrail trail;

    public AuditController(AuditView view, BusinessEventLog events, DeadLetters deadLetters, AuditTrail trail) {
        this.view = view;
        this.events = events;
        this.deadLetters = deadLetters;
        this.trail = trail;
    }

    /** Audit entries, filtered by any of entity id, actor and a time range ({@code to} exclusive, ISO-8601). */
    @GetMapping("/audit/entries")
    public List<AuditView.Row> entries(@RequestParam(required = false) String entity,
                                       @RequestParam(required = false) String actor,
                                       @RequestParam(required = false)
                                       @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                                       @RequestParam(required = false)
                                       @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        return view.query(entity, actor, from, to);
    }

    /** Who asked for what on one entity, and the business events it led to. */
    @GetMapping("/audit/entities/{id}")
    public Map<String, Object> entity(@PathVariable String id) {
        return Map.of("entityId", id, "entries", view.query(id, null, null, null), "events", events.forEntity(id));
    }

    /** The broker recomputes the audit topic's hash chain: valid, or where and why it breaks. */
    @GetMapping("/audit/chain")
    public ChainVerification chain() {
        return trail.verify();
    }

    @GetMapping("/dead-letters")
    public List<DeadLetters.DeadLetter> deadLetters() {
        return deadLetters.latest();
    }
}
