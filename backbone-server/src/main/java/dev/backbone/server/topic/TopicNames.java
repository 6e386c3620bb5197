package dev.backbone.server.topic;

/**
 * Kafka's topic naming rules: 1 to 249 characters from {@code [a-zA-Z0-9._-]}, not {@code .} or {@code ..}.
 * Names starting with {@code __} are internal: the broker's own topics, hidden from listings by default and never
 * created implicitly.
 *
 * <p>Thread safety: stateless.
 */
public final class TopicNames {

    /** Longest legal name; a partition directory {@code <name>-<partition>} must still fit a 255-byte file name. */
    public static final int MAX_LENGTH = 249;
    public static final String INTERNAL_PREFIX = "__";

    private TopicNames() {
    }

    /** @throws InvalidTopicException naming the first rule {@code name} breaks */
    public static void validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidTopicException(name, "the name must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidTopicException(name, "the name is " + name.length() + " characters long; at most "
                    + MAX_LENGTH + " are allowed");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidTopicException(name, "'.' and '..' are not allowed as names");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!legal) {
                throw new InvalidTopicException(name, "character '" + c + "' at index " + i
                        + " is not allowed; use letters, digits, '.', '_' and '-'");
            }
        }
    }

    public static boolean isInternal(String name) {
        return name.startsWith(INTERNAL_PREFIX);
    }
}
