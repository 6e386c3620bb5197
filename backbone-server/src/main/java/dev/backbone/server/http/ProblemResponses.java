package dev.backbone.server.http;

import dev.backbone.server.error.ProblemType;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problems an endpoint may answer with, besides those every endpoint may give (415, 406, 500, 503). The
 * OpenAPI description lists each as an {@code application/problem+json} response of its status.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ProblemResponses {

    ProblemType[] value();
}
