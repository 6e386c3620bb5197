package dev.backbone.server.security;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a principal may do an action: super-users may do everything; otherwise a matching deny ACL
 * refuses, and a matching allow ACL or a grant of one of the principal's JWT authorities allows; with no match the
 * answer is no.
 *
 * <p>Each decision scans the ACL snapshot once: cheap for the hundreds of ACLs a broker has.
 *
 * <p>Thread safety: thread-safe; reads the current snapshot of {@link Acls}.
 */
public final class Authorizer {

    private final Acls acls;
    private final Set<String> superUsers;
    private final ScopePermissions scopes;

    public Authorizer(Acls acls, Collection<String> superUsers, ScopePermissions scopes) {
        this.acls = Objects.requireNonNull(acls, "acls");
        this.superUsers = Set.copyOf(superUsers);
        this.scopes = Objects.requireNonNull(scopes, "scopes");
    }

    /** Whether {@code principal}, holding {@code authorities}, may do {@code action}. */
    public boolean allowed(String principal, Collection<String> authorities, Action action) {
        if (superUsers.contains(principal)) {
            return true;
        }
        List<AclBinding> all = acls.all();
        boolean allowed = false;
        for (AclBinding acl : all) {
            if (acl.matches(principal, action)) {
                if (acl.permission() == AclPermission.DENY) {
                    return false;
                }
                allowed = true;
            }
        }
        return allowed || scopes.grants(authorities, action);
    }

    public boolean isSuperUser(String principal) {
        return superUsers.contains(principal);
    }
}
