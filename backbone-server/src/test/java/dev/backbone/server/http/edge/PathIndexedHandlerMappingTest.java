package dev.backbone.server.http.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.http.BrokerIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.EmbeddedValueResolver;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The indexed mapping picks, for every request, what Spring's own mapping over the same controllers picks: the same
 * method with the same path variables, or the same error. Requests are generated from the broker's own patterns
 * (variables filled with random values, some of them equal to literal segments), then mutated, with random methods
 * and media types; seeded, and the seed is printed.
 */
class PathIndexedHandlerMappingTest extends BrokerIntegrationTest {

    private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
            HttpMethod.PATCH, HttpMethod.HEAD};
    private static final String[] ACCEPTS = {null, "*/*", "application/json", "application/x-ndjson",
            "text/event-stream", "application/vnd.backbone.batch", "application/problem+json", "text/plain",
            "application/cloudevents-batch+json"};
    private static final String[] CONTENT_TYPES = {null, "application/json", "application/x-ndjson",
            "application/vnd.backbone.batch", "application/cloudevents+json", "text/plain"};
    private static final String[] VALUES = {"orders", "records", "keys", "partitions", "0", "7", "-1", "x.y", "a%20b",
            "groups", "v1", "head", "verify", "members", "offsets", "chain", "stream"};

    @Autowired
    private ApplicationContext context;

    @Test
    void picksWhatSpringsOwnMappingPicks() throws Exception {
        RequestMappingHandlerMapping indexed = context.getBean("requestMappingHandlerMapping",
                RequestMappingHandlerMapping.class);
        assertThat(indexed).isInstanceOf(PathIndexedHandlerMapping.class);
        RequestMappingHandlerMapping plain = new RequestMappingHandlerMapping();
        plain.setApplicationContext(context);
        plain.setContentTypeResolver(indexed.getContentTypeResolver());
        plain.setPathPrefixes(indexed.getPathPrefixes());
        plain.setEmbeddedValueResolver(new EmbeddedValueResolver(
                ((ConfigurableApplicationContext) context).getBeanFactory()));
        plain.afterPropertiesSet();

        long seed = Long.getLong("backbone.test.seed", System.nanoTime());
        System.out.println("PathIndexedHandlerMappingTest seed " + seed);
        Random random = new Random(seed);
        List<String> patterns = new ArrayList<>();
        List<HttpMethod> ownMethods = new ArrayList<>();
        for (RequestMappingInfo info : indexed.getHandlerMethods().keySet()) {
            HttpMethod own = info.getMethodsCondition().getMethods().stream().findFirst()
                    .map(method -> HttpMethod.valueOf(method.name())).orElse(HttpMethod.GET);
            for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                patterns.add(pattern.getPatternString());
                ownMethods.add(own);
            }
        }
        assertThat(patterns).hasSizeGreaterThan(20);
        int handled = 0;
        for (int i = 0; i < 3_000; i++) {
            int picked = random.nextInt(patterns.size());
            String path = mutate(fill(patterns.get(picked), random), random);
            HttpMethod method = random.nextBoolean() ? ownMethods.get(picked) : METHODS[random.nextInt(METHODS.length)];
            MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.method(method, path);
            String accept = ACCEPTS[random.nextInt(ACCEPTS.length)];
            if (accept != null) {
                request.header("Accept", accept);
            }
            String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            Outcome expected = outcome(plain, MockServerWebExchange.from(request));
            Outcome actual = outcome(indexed, MockServerWebExchange.from(request));
            assertThat(actual).as("seed %d, request %d: %s %s", seed, i, request, path).isEqualTo(expected);
            handled += expected.method() != null ? 1 : 0;
        }
        assertThat(handled).as("requests that found a method").isGreaterThan(300);
    }

    private static String fill(String pattern, Random random) {
        StringBuilder path = new StringBuilder();
        for (String part : pattern.substring(1).split("/", -1)) {
            path.append('/').append(part.startsWith("{") ? VALUES[random.nextInt(VALUES.length)] : part);
        }
        return path.toString();
    }

    private static String mutate(String path, Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> path + "/";
            case 1 -> path.substring(0, Math.max(1, path.lastIndexOf('/')));
            case 2 -> path + "/extra";
            case 3 -> path.replaceFirst("/", "//");
            case 4 -> path.toUpperCase();
            default -> path;
        };
    }

    private static Outcome outcome(HandlerMapping mapping, MockServerWebExchange exchange) {
        try {
            Object handler = mapping.getHandler(exchange).block();
            String method = handler instanceof HandlerMethod handlerMethod
                    ? handlerMethod.getMethod().toGenericString() : Objects.toString(handler, null);
            return new Outcome(method, String.valueOf(exchange.getAttributes()
                    .get(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE)), String.valueOf(exchange.getAttributes()
                    .get(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)), null);
        } catch (ResponseStatusException e) {
            return new Outcome(null, null, null, e.getClass().getSimpleName() + " " + e.getStatusCode());
        }
    }

    private record Outcome(String method, String variables, String pattern, String error) {
    }
}
