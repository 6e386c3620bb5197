package dev.backbone.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The API key format and its hash. A key is {@value #PREFIX} followed by 32 random bytes in unpadded base64url
 * (43 characters); the broker stores SHA-256 of the whole string. A fast hash is enough here: a 256-bit random
 * secret cannot be guessed from its hash, so the slow, salted hashes that protect human passwords buy nothing and
 * would cost every request.
 *
 * <p>Thread safety: thread-safe.
 */
public final class ApiKeyHash {

    public static final String PREFIX = "bb_";
    private static final String LABEL = "sha256:";
    private static final int SECRET_BYTES = 32;
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyHash() {
    }

    /** A new random key. */
    public static String newKey() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Whether {@code token} has the form of an API key (rather than a JWT). */
    public static boolean isApiKey(String token) {
        return token.startsWith(PREFIX);
    }

    /** SHA-256 of {@code key}'s UTF-8 bytes, as 64 lower-case hex digits. */
    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The public id of the key with this hash. */
    public static String id(String hash) {
        return hash.substring(0, 16);
    }

    /** The hash as configuration takes it and the create answer shows it: {@code sha256:<64 hex digits>}. */
    public static String labelled(String hash) {
        return LABEL + hash;
    }

    /**
     * The 64 lower-case hex digits of a configured hash, which may carry the {@code sha256:} label.
     *
     * @throws IllegalArgumentException when {@code hash} is not 64 hex digits
     */
    public static String checkHash(String hash) {
        String lower = hash == null ? "" : hash.trim().toLowerCase(Locale.ROOT);
        if (lower.startsWith(LABEL)) {
            lower = lower.substring(LABEL.length());
        }
        if (!HEX_SHA256.matcher(lower).matches()) {
            throw new IllegalArgumentException("an API key hash is the SHA-256 of the key as 64 hex digits,"
                    + " optionally labelled sha256: (printf %s \"$KEY\" | sha256sum), got \"" + hash + "\"");
        }
        return lower;
    }
}
