package dev.backbone.server.security;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ACLs in force and their change log in {@value #TOPIC}, replayed at start. A change is fsynced before it takes
 * effect and before it is acknowledged; from then on every request sees it.
 *
 * <p>Thread safety: thread-safe. Reads see an immutable snapshot; changes are serialized and publish a new one.
 */
public final class Acls {

    public static final String TOPIC = "__backbone_acls";

    private final SecurityJournal journal;
    private final Map<String, AclBinding> byId = new ConcurrentHashMap<>();
    private volatile List<AclBinding> snapshot = List.of();

    private Acls(SecurityJournal journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /** @throws IOException when the journal cannot be read */
    public static Acls load(SecurityJournal journal) throws IOException {
        Acls acls = new Acls(journal);
        journal.replay(acls::apply);
        acls.publish();
        return acls;
    }

    private void apply(JsonNode entry) {
        AclBinding acl = fromJson(entry);
        switch (entry.path("type").asString()) {
            case "added" -> byId.put(acl.id(), acl);
            case "removed" -> byId.remove(acl.id());
            default -> throw new IllegalStateException("unknown entry in " + TOPIC + ": " + entry);
        }
    }

    private void publish() {
        snapshot = byId.values().stream()
                .sorted(Comparator.comparing(AclBinding::principal).thenComparing(AclBinding::resourceType)
                        .thenComparing(AclBinding::resourceName).thenComparing(AclBinding::operation)
                        .thenComparing(AclBinding::permission))
                .toList();
    }

    /** Adds {@code acl} (a no-op when it is already there); returns true when it was new. */
    public synchronized boolean add(AclBinding acl) {
        if (byId.containsKey(acl.id())) {
            return false;
        }
        change("added", acl);
        return true;
    }

    /**
     * Removes the ACL with {@code id}.
     *
     * @throws UnknownAclException when there is none
     */
    public synchronized AclBinding remove(String id) {
        AclBinding acl = byId.get(id);
        if (acl == null) {
            throw new UnknownAclException(id);
        }
        change("removed", acl);
        return acl;
    }

    private void change(String type, AclBinding acl) {
        ObjectNode entry = toJson(journal.entry(type), acl);
        journal.append(acl.id(), entry);
        apply(entry);
        publish();
    }

    /** Every ACL, sorted. */
    public List<AclBinding> all() {
        return snapshot;
    }

    /** The ACLs that {@code filter} accepts, sorted. */
    public List<AclBinding> list(Predicate<AclBinding> filter) {
        return snapshot.stream().filter(filter).toList();
    }

    static ObjectNode toJson(ObjectNode node, AclBinding acl) {
        return node.put("principal", acl.principal())
                .put("resourceType", acl.resourceType().label())
                .put("resourceName", acl.resourceName())
                .put("patternType", acl.patternType().label())
                .put("operation", acl.operation().label())
                .put("permission", acl.permission().label());
    }

    static AclBinding fromJson(JsonNode node) {
        return new AclBinding(node.path("principal").asString(),
                ResourceType.parse(node.path("resourceType").asString()), node.path("resourceName").asString(),
                PatternType.parse(node.path("patternType").asString()),
                Operation.parse(node.path("operation").asString()),
                AclPermission.parse(node.path("permission").asString()));
    }
}
