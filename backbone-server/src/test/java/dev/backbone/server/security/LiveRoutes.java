package dev.backbone.server.security;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import reactor.core.publisher.Mono;

/**
 * The routes a running broker serves under {@code /v1/}, as "METHOD pattern" strings: every annotated handler method
 * and every functional route. A functional route whose method or path cannot be read fails the collection, so no
 * route escapes the check.
 */
final class LiveRoutes {

    private LiveRoutes() {
    }

    static Set<String> of(ApplicationContext context) {
        Set<String> routes = new TreeSet<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class)
                .values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<org.springframework.web.bind.annotation.RequestMethod> methods =
                        info.getMethodsCondition().getMethods();
                for (var pattern : info.getPatternsCondition().getPatterns()) {
                    for (var method : methods) {
                        add(routes, method.name(), pattern.getPatternString());
                    }
                    if (methods.isEmpty() && pattern.getPatternString().startsWith("/v1/")) {
                        throw new AssertionError("a /v1 route without a method: " + pattern);
                    }
                }
            }
        }
        for (RouterFunction<?> function : context.getBeansOfType(RouterFunction.class).values()) {
            function.accept(new RouteCollector(routes));
        }
        return routes;
    }

    private static void add(Set<String> routes, String method, String pattern) {
        if (pattern.startsWith("/v1/")) {
            routes.add(method + " " + pattern);
        }
    }

    /** Reads method and path out of the functional routes' predicates. */
    private static final class RouteCollector implements RouterFunctions.Visitor, RequestPredicates.Visitor {
        private final Set<String> routes;
        private Set<HttpMethod> methods;
        private String path;

        RouteCollector(Set<String> routes) {
            this.routes = routes;
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            methods = null;
            path = null;
            predicate.accept(this);
            if (methods == null || path == null) {
                throw new AssertionError("a functional route whose method or path cannot be read: " + predicate);
            }
            methods.forEach(m -> add(routes, m.name(), path));
        }

        @Override
        public void method(Set<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        public void path(String pattern) {
            this.path = pattern;
        }

        @Override
        public void startNested(RequestPredicate predicate) {
            throw new AssertionError("nested routes are not read yet: " + predicate);
        }

        @Override
        public void endNested(RequestPredicate predicate) {
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
            throw new AssertionError("a router function that cannot be read: " + routerFunction);
        }

        @Override
        public void version(String version) {
        }

        @Override
        public void pathExtension(String extension) {
        }

        @Override
        public void header(String name, String value) {
        }

        @Override
        public void queryParam(String name, String value) {
        }

        @Override
        public void startAnd() {
        }

        @Override
        public void and() {
        }

        @Override
        public void endAnd() {
        }

        @Override
        public void startOr() {
        }

        @Override
        public void or() {
        }

        @Override
        public void endOr() {
        }

        @Override
        public void startNegate() {
        }

        @Override
        public void endNegate() {
        }

        @Override
        public void unknown(RequestPredicate predicate) {
        }
    }
}
