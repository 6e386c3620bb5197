package dev.backbone.server.http.idempotency;

/**
 * The rules for the {@code Idempotency-Key} request header: 1 to 255 visible ASCII characters, as the IETF draft
 * "The Idempotency-Key HTTP Header Field" suggests for a UUID or a similar token (quotes are stripped when the
 * client sent the key as a structured-field string).
 *
 * <p>Thread safety: stateless.
 */
public final class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    public static final int MAX_LENGTH = 255;

    private IdempotencyKeys() {
    }

    /**
     * The key to use for {@code headerValue}.
     *
     * @throws InvalidIdempotencyKeyException when the value is empty, too long or holds other characters
     */
    public static String validate(String headerValue) {
        String key = headerValue;
        if (key.length() >= 2 && key.charAt(0) == '"' && key.charAt(key.length() - 1) == '"') {
            key = key.substring(1, key.length() - 1);
        }
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            throw new InvalidIdempotencyKeyException("Idempotency-Key must be 1 to " + MAX_LENGTH
                    + " characters, was " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"') {
                throw new InvalidIdempotencyKeyException("Idempotency-Key may hold only visible ASCII characters;"
                        + " character " + i + " is U+" + String.format("%04X", (int) c));
            }
        }
        return key;
    }
}
