package dev.backbone.spring.audit;

/**
 * Tells who is acting now, for {@link Audited} methods and Actuator audit events without a principal. A bean of
 * this type is asked when Spring Security has no authenticated user in the current context.
 */
@FunctionalInterface
public interface AuditActorResolver {

    /**
     * The current actor.
     *
     * @return a name, or null when unknown (the entry then says "anonymous")
     */
    String currentActor();
}
