package dev.backbone.spring.audit;

import java.util.function.Supplier;

/**
 * Finds who is acting now: the authenticated user of Spring Security's context when Spring Security is on the
 * class path and someone is authenticated, else the {@link AuditActorResolver} bean, else "anonymous".
 *
 * <p>Thread-safe; reads the calling thread's security context.
 */
public final class CurrentActor {

    /** The actor named when nobody is known. */
    public static final String ANONYMOUS = "anonymous";

    private final Supplier<String> securityPrincipal;

    private final AuditActorResolver resolver;

    /**
     * @param securityPrincipal the authenticated user's name or null (a supplier that always answers null when
     *                          Spring Security is absent)
     * @param resolver          the fallback, or null
     */
    public CurrentActor(Supplier<String> securityPrincipal, AuditActorResolver resolver) {
        this.securityPrincipal = securityPrincipal;
        this.resolver = resolver;
    }

    /**
     * The current actor's name.
     *
     * @return never null
     */
    public String name() {
        String principal = securityPrincipal.get();
        if (principal != null) {
            return principal;
        }
        String resolved = resolver == null ? null : resolver.currentActor();
        return resolved == null ? ANONYMOUS : resolved;
    }
}
