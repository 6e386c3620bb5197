package dev.backbone.server.http;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.log.FlushMode;
import java.util.Locale;
import java.util.Map;

/**
 * Parses query parameters with answers that name the parameter and what it accepts, instead of Spring's generic
 * type-mismatch message.
 *
 * <p>Thread safety: stateless.
 */
public final class RequestParams {

    private RequestParams() {
    }

    /** {@code none}, {@code sync}, or null when absent. */
    public static FlushMode flush(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> FlushMode.NONE;
            case "sync" -> FlushMode.SYNC;
            default -> throw invalid("flush", value, "'none' or 'sync'");
        };
    }

    public static long longValue(String name, String value, long defaultValue, long min, long max) {
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, value, "a whole number between " + min + " and " + max);
        }
        if (parsed < min || parsed > max) {
            throw invalid(name, value, "a whole number between " + min + " and " + max);
        }
        return parsed;
    }

    public static BackboneException invalid(String name, String value, String expected) {
        return new BackboneException(ProblemType.INVALID_PARAMETER, "parameter '" + name + "' is '" + value
                + "'; expected " + expected, Map.of("parameter", name, "value", value));
    }
}
