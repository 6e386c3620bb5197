package dev.backbone.deploy.support;

import java.util.Set;
import java.util.TreeSet;

/**
 * The series names in a Prometheus text exposition (what {@code /actuator/prometheus} answers), histogram and
 * summary suffixes included: {@code x_bucket}, {@code x_count}, {@code x_sum} are the names queries use.
 *
 * <p>Thread safety: stateless.
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    public static Set<String> seriesNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
