package dev.backbone.sample.audit;

import dev.backbone.spring.audit.AuditEntry;
import dev.backbone.spring.listener.BackboneListener;
import dev.backbone.spring.listener.BackboneRecord;
import org.springframework.stereotype.Component;

/** Keeps the {@link AuditView} current with the entries other services append to the audit topic. */
@Component
public class AuditTopicListener {

    private final AuditView view;

    public AuditTopicListener(AuditView view) {
        this.view = view;
    }

    @BackboneListener(topics = "audit", group = "audit-service-view")
    public void onEntry(BackboneRecord<AuditEntry> record) {
        view.add(record.offset(), record.value());
    }
}
