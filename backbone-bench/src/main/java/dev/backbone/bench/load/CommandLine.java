package dev.backbone.bench.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options after the mode word: {@code --name=value} or {@code --name value}, each at most once.
 *
 * <p>Every getter removes nothing; {@link #rejectUnknown(Set)} fails on any option a mode does not know, so a
 * typo never silently runs a benchmark with a default. Immutable after parsing; not thread-safe to build.
 */
public final class CommandLine {

    private final Map<String, String> options;

    private CommandLine(Map<String, String> options) {
        this.options = options;
    }

    public static CommandLine parse(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("expected an option --name=value, got '" + arg + "'");
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq >= 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                name = arg.substring(2);
                value = args.get(++i);
            } else {
                throw new UsageException("option --" + arg.substring(2) + " needs a value");
            }
            if (options.put(name, value) != null) {
                throw new UsageException("option --" + name + " given twice");
            }
        }
        return new CommandLine(options);
    }

    /** Fails naming every option not in {@code known}. */
    public void rejectUnknown(Set<String> known) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new UsageException("unknown option(s) " + unknown + "; this mode knows " + new TreeSet<>(known));
        }
    }

    public String string(String name, String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    public <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new UsageException("--" + name + " must be one of " + allowed + ", was '" + value + "'");
        }
    }

    /** A whole number at least {@code min}; accepts {@code _} separators and k/m/g (x1000) or KiB/MiB/GiB suffixes. */
    public long number(String name, long defaultValue, long min) {
        String value = options.get(name);
        long result = value == null ? defaultValue : parseNumber(name, value);
        if (result < min) {
            throw new UsageException("--" + name + " must be >= " + min + ", was " + result);
        }
        return result;
    }

    public int intNumber(String name, int defaultValue, int min) {
        long result = number(name, defaultValue, min);
        if (result > Integer.MAX_VALUE) {
            throw new UsageException("--" + name + " must be <= " + Integer.MAX_VALUE + ", was " + result);
        }
        return (int) result;
    }

    /** A duration such as {@code 500ms}, {@code 30s}, {@code 2m}; a bare number means seconds. */
    public Duration duration(String name, Duration defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration result;
            if (v.endsWith("ms")) {
                result = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                result = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                result = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                result = Duration.ofSeconds(Long.parseLong(v));
            }
            if (result.isNegative()) {
                throw new UsageException("--" + name + " must not be negative, was '" + value + "'");
            }
            return result;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " is not a duration (e.g. 500ms, 30s, 2m): '" + value + "'");
        }
    }

    public URI uri(String name, String defaultValue) {
        String value = options.getOrDefault(name, defaultValue);
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + name + " is not a URI: '" + value + "'");
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new UsageException("--" + name + " must be an http://host:port URI, was '" + value + "'");
        }
        return uri;
    }

    private static long parseNumber(String name, String raw) {
        String v = raw.trim().replace("_", "");
        long multiplier = 1;
        String lower = v.toLowerCase(Locale.ROOT);
        String[][] suffixes = {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"},
                {"k", "1000"}, {"m", "1000000"}, {"g", "1000000000"}};
        for (String[] suffix : suffixes) {
            if (lower.endsWith(suffix[0])) {
                multiplier = Long.parseLong(suffix[1]);
                v = v.substring(0, v.length() - suffix[0].length());
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(v), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--" + name + " is not a whole number: '" + raw + "'");
        }
    }
}
