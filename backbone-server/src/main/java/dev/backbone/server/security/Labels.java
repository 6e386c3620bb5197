package dev.backbone.server.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parsing of the lower-case labels the security enums use in JSON and configuration. */
final class Labels {

    private Labels() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String label) {
        if (label != null) {
            for (E value : type.getEnumConstants()) {
                if (value.name().equalsIgnoreCase(label)) {
                    return value;
                }
            }
        }
        throw new IllegalArgumentException("\"" + label + "\" is not one of " + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
