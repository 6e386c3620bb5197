package dev.backbone.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.micrometer.metrics.autoconfigure.logging.logback.LogbackMetricsAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Starts the Backbone broker.
 *
 * <p>Logback's metrics are left out: they install a turbo filter that every logger's level check then consults,
 * which cost 2-4% of the CPU of a small request, for a count of log lines that nothing of ours reads.
 */
@SpringBootApplication(exclude = LogbackMetricsAutoConfiguration.class)
@ConfigurationPropertiesScan
public class BackboneServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(BackboneServerApplication.class, args);
    }
}
