package dev.backbone.sample.order;

import dev.backbone.spring.audit.AuditActorResolver;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The actor of audited commands: the {@code X-Actor} request header. The sample has no login; a service with
 * Spring Security needs no resolver, since the starter takes the authenticated principal.
 */
@Component
public class RequestActor implements AuditActorResolver {

    public static final String HEADER = "X-Actor";

    @Override
    public String currentActor() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes instanceof ServletRequestAttributes servlet) {
            String actor = servlet.getRequest().getHeader(HEADER);
            return actor == null || actor.isBlank() ? null : actor.strip();
        }
        return null;
    }
}
