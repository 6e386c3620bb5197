package dev.backbone.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the Backbone broker. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BackboneServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(BackboneServerApplication.class, args);
    }
}
