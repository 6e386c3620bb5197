package dev.backbone.server.http.keys;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One condition on a key stream's current version, from {@code ?expectedVersion=N}, {@code If-Match} or
 * {@code If-None-Match}. The entity tag of a stream is its current version in quotes ({@code "6"}; {@code "-1"}
 * for a stream that does not exist).
 *
 * @param source    where the condition came from, for the problem detail
 * @param versions  the versions the condition names; empty for {@code *}
 * @param negated   true for If-None-Match: the current version must not be one of them (for {@code *}: the
 *                  stream must not exist)
 * @param failure   the problem a failed check answers with: 409 for expectedVersion, 412 for the headers
 */
record VersionCondition(String source, Set<Integer> versions, boolean negated, ProblemType failure) {

    static VersionCondition expectedVersion(String value) {
        int version;
        try {
            version = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid("expectedVersion", value, "-1 (the stream must not exist) or a version >= 0");
        }
        if (version < -1) {
            throw invalid("expectedVersion", value, "-1 (the stream must not exist) or a version >= 0");
        }
        return new VersionCondition("expectedVersion", Set.of(version), false, ProblemType.VERSION_CONFLICT);
    }

    /** If-Match uses the strong comparison: weak tags ({@code W/"3"}) never match. */
    static Optional<VersionCondition> ifMatch(List<String> headerValues) {
        return parse("If-Match", headerValues, false);
    }

    /** If-None-Match uses the weak comparison: {@code W/"3"} counts as {@code "3"}. */
    static Optional<VersionCondition> ifNoneMatch(List<String> headerValues) {
        return parse("If-None-Match", headerValues, true);
    }

    boolean holds(int currentVersion) {
        if (versions.isEmpty()) {
            // "*": If-Match asks that the stream exists, If-None-Match that it does not.
            return negated ? currentVersion < 0 : currentVersion >= 0;
        }
        return versions.contains(currentVersion) != negated;
    }

    BackboneException failed(String topic, String key, int currentVersion) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("topic", topic);
        facts.put("key", key);
        if (source.equals("expectedVersion")) {
            facts.put("expectedVersion", versions.iterator().next());
        } else {
            facts.put(source, describe());
        }
        facts.put("currentVersion", currentVersion);
        String detail = "stream '" + key + "' of topic '" + topic + "' is at version " + currentVersion + ", "
                + (source.equals("expectedVersion") ? "not " + versions.iterator().next()
                : "which does not satisfy " + source + ": " + describe());
        return new BackboneException(failure, detail, facts);
    }

    private String describe() {
        if (versions.isEmpty()) {
            return "*";
        }
        StringBuilder tags = new StringBuilder();
        for (int version : versions) {
            tags.append(tags.length() == 0 ? "" : ", ").append('"').append(version).append('"');
        }
        return tags.toString();
    }

    private static Optional<VersionCondition> parse(String header, List<String> headerValues, boolean negated) {
        if (headerValues == null || headerValues.isEmpty()) {
            return Optional.empty();
        }
        Set<Integer> versions = new LinkedHashSet<>();
        boolean star = false;
        boolean any = false;
        for (String value : headerValues) {
            for (String raw : value.split(",")) {
                String tag = raw.trim();
                if (tag.isEmpty()) {
                    continue;
                }
                any = true;
                if (tag.equals("*")) {
                    star = true;
                    continue;
                }
                boolean weak = tag.startsWith("W/");
                String quoted = weak ? tag.substring(2) : tag;
                if (quoted.length() < 3 || quoted.charAt(0) != '"' || quoted.charAt(quoted.length() - 1) != '"') {
                    throw invalid(header, value, "* or entity tags such as \"6\" (a stream's version in quotes)");
                }
                int version;
                try {
                    version = Integer.parseInt(quoted.substring(1, quoted.length() - 1));
                } catch (NumberFormatException e) {
                    throw invalid(header, value, "* or entity tags such as \"6\" (a stream's version in quotes)");
                }
                if (version < -1) {
                    throw invalid(header, value, "versions of -1 or more");
                }
                if (!weak || negated) {
                    versions.add(version);
                }
            }
        }
        if (!any) {
            return Optional.empty();
        }
        if (star && !versions.isEmpty()) {
            throw invalid(header, String.join(", ", headerValues), "either * or a list of entity tags");
        }
        if (!star && versions.isEmpty()) {
            // Only weak tags in If-Match: none can match.
            versions.add(Integer.MIN_VALUE);
        }
        return Optional.of(new VersionCondition(header, Set.copyOf(versions), negated,
                ProblemType.PRECONDITION_FAILED));
    }

    static BackboneException invalid(String name, String value, String expected) {
        return new BackboneException(ProblemType.INVALID_PARAMETER, "parameter '" + name + "' is '" + value
                + "'; expected " + expected, Map.of("parameter", name, "value", value));
    }
}
