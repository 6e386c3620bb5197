package dev.backbone.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;

/**
 * Which auto-configurations on the test's class path the embedded broker leaves out.
 *
 * <p>A service's test class path carries its own libraries. Their auto-configurations would otherwise configure
 * the broker too: Spring Security would demand a password of every client, a {@code DataSource} would look for a
 * database, and the Backbone starter would build a client inside the broker. The broker needs none of them, so
 * every auto-configuration from the starter and from those areas is excluded; the rest (web server, Jackson,
 * actuator, metrics) configures the broker as it does a standalone one.
 *
 * <p>Stateless and thread-safe.
 */
final class BrokerAutoConfigurations {

    /** Package fragments of auto-configurations a broker never needs. */
    private static final List<String> EXCLUDED_AREAS = List.of("dev.backbone.spring.", ".security.", ".jdbc.",
            ".jpa.", ".r2dbc.", ".data.", ".flyway.", ".liquibase.", ".kafka.", ".amqp.", ".jms.", ".mongo",
            ".cassandra.", ".couchbase.", ".elasticsearch.", ".neo4j.", ".ldap.", ".mail.", ".session.",
            ".webmvc.", ".servlet.", ".graphql.", ".rsocket.", ".quartz.", ".batch.", ".integration.",
            ".docker.compose.", ".testcontainers.", ".devtools.", ".oauth2.", ".saml2.");

    private BrokerAutoConfigurations() {
    }

    /** The auto-configuration class names to exclude. */
    static List<String> excluded(ClassLoader classLoader) {
        List<String> excluded = new ArrayList<>();
        for (String candidate : ImportCandidates.load(AutoConfiguration.class, classLoader)) {
            String name = candidate.toLowerCase(Locale.ROOT);
            if (EXCLUDED_AREAS.stream().anyMatch(name::contains)) {
                excluded.add(candidate);
            }
        }
        return excluded;
    }
}
