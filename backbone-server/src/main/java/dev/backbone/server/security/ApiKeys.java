package dev.backbone.server.security;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API keys the broker accepts, by hash, and their change log in {@value #TOPIC}. Bootstrap keys from
 * configuration come first, then the log is replayed: keys created through the admin API, and revocations, which
 * also revoke a configuration key for good (the revocation is kept in the log, so the key stays revoked even while
 * it is still in the configuration).
 *
 * <p>A change is written and fsynced before it takes effect in memory and before it is acknowledged, so a revoked
 * key fails on the next request, on every thread, and after every restart.
 *
 * <p>Thread safety: thread-safe. Lookups are lock-free map reads; changes are serialized.
 */
public final class ApiKeys {

    public static final String TOPIC = "__backbone_api_keys";

    /** What checking a presented key found. */
    public enum Outcome { VALID, UNKNOWN, EXPIRED, REVOKED }

    /** The outcome of checking a presented key, with the key when it was found. */
    public record Check(Outcome outcome, ApiKey key) {
    }

    /** A key just created: the secret, shown once, and what is kept of it. */
    public record NewApiKey(String secret, ApiKey key) {
    }

    private final SecurityJournal journal;
    private final Clock clock;
    private final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();
    private final Set<String> revokedHashes = ConcurrentHashMap.newKeySet();

    private ApiKeys(SecurityJournal journal, Clock clock) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The keys of {@code bootstrap} and of the journal.
     *
     * @throws IOException when the journal cannot be read
     */
    public static ApiKeys load(SecurityJournal journal, Clock clock, List<ApiKey> bootstrap) throws IOException {
        ApiKeys keys = new ApiKeys(journal, clock);
        for (ApiKey key : bootstrap) {
            keys.byHash.put(key.hash(), key);
        }
        journal.replay(keys::apply);
        return keys;
    }

    /** A bootstrap key from configuration, hashed outside the broker. */
    public static ApiKey bootstrapKey(String principal, String hash, Instant expiresAt, Instant now) {
        String checked = ApiKeyHash.checkHash(hash);
        return new ApiKey(ApiKeyHash.id(checked), principal, checked, now, expiresAt, "config");
    }

    private void apply(JsonNode entry) {
        String hash = entry.path("hash").asString();
        switch (entry.path("type").asString()) {
            case "created" -> byHash.put(hash, new ApiKey(ApiKeyHash.id(hash), entry.path("principal").asString(),
                    hash, Instant.ofEpochMilli(entry.path("createdMs").asLong()),
                    entry.hasNonNull("expiresAtMs") ? Instant.ofEpochMilli(entry.path("expiresAtMs").asLong()) : null,
                    "api"));
            case "revoked" -> {
                byHash.remove(hash);
                revokedHashes.add(hash);
            }
            default -> throw new IllegalStateException("unknown entry in " + TOPIC + ": " + entry);
        }
    }

    /** The clock expiry is judged by. */
    public Clock clock() {
        return clock;
    }

    /** Checks a presented key. */
    public Check check(String presented) {
        String hash = ApiKeyHash.hash(presented);
        ApiKey key = byHash.get(hash);
        if (key == null) {
            return new Check(revokedHashes.contains(hash) ? Outcome.REVOKED : Outcome.UNKNOWN, null);
        }
        if (key.expiredAt(clock.instant())) {
            return new Check(Outcome.EXPIRED, key);
        }
        return new Check(Outcome.VALID, key);
    }

    /** Creates a key for {@code principal}, durable before it is returned. */
    public synchronized NewApiKey create(String principal, Instant expiresAt) {
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("a key needs a \"principal\"");
        }
        String secret = ApiKeyHash.newKey();
        String hash = ApiKeyHash.hash(secret);
        Instant now = clock.instant();
        ObjectNode entry = journal.entry("created").put("hash", hash).put("principal", principal)
                .put("createdMs", now.toEpochMilli());
        if (expiresAt != null) {
            entry.put("expiresAtMs", expiresAt.toEpochMilli());
        }
        journal.append(ApiKeyHash.id(hash), entry);
        apply(entry);
        return new NewApiKey(secret, byHash.get(hash));
    }

    /**
     * Revokes the key with {@code id}, durable before it returns.
     *
     * @throws UnknownApiKeyException when no live key has that id
     */
    public synchronized ApiKey revoke(String id) {
        ApiKey key = byHash.values().stream().filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> new UnknownApiKeyException(id));
        ObjectNode entry = journal.entry("revoked").put("hash", key.hash()).put("principal", key.principal());
        journal.append(key.id(), entry);
        apply(entry);
        return key;
    }

    /** The live keys (expired ones included, until revoked), by principal then id. */
    public List<ApiKey> list() {
        return byHash.values().stream()
                .sorted(Comparator.comparing(ApiKey::principal).thenComparing(ApiKey::id))
                .toList();
    }
}
