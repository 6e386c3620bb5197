package dev.backbone.server.http.edge;

import dev.backbone.server.error.ProblemWebExceptionHandler;
import dev.backbone.server.quota.Quotas;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerHttpObservationDocumentation;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;
import reactor.core.observability.DefaultSignalListener;
import reactor.core.publisher.Mono;

/**
 * The broker's HTTP handler with the fast path in front: a request one of the {@link FastRoute}s matches is served
 * by it, every other goes to WebFlux unchanged. A fast request gets what the web filters and WebFlux give every
 * request in security mode {@code none}, in the same order: the quota admission of {@link QuotaFilter} (a
 * {@code GET} route is not offered requests while a fetch quota applies to them: its hold and charging are not
 * repeated here), then the route's pattern in the observation (as WebFlux's handler mapping sets it), a failure
 * answered as problem+json by {@link ProblemWebExceptionHandler}, and the same {@code http.server.requests}
 * observation, started before the request is served and stopped when its answer is committed.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
final class FastPathHandler implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(FastPathHandler.class.getName());
    private static final ServerRequestObservationConvention DEFAULT_CONVENTION =
            new DefaultServerRequestObservationConvention();

    private final HttpHandler webFlux;
    private final List<FastRoute> routes;
    private final QuotaFilter quotas;
    private final ProblemWebExceptionHandler problems;
    private final ObservationRegistry registry;
    private final ServerRequestObservationConvention convention;

    /** @param convention WebFlux's configured convention, or null for Spring's default */
    FastPathHandler(HttpHandler webFlux, List<FastRoute> routes, QuotaFilter quotas,
                    ProblemWebExceptionHandler problems, ObservationRegistry registry,
                    ServerRequestObservationConvention convention) {
        this.webFlux = webFlux;
        this.routes = List.copyOf(routes);
        this.quotas = quotas;
        this.problems = problems;
        this.registry = registry;
        this.convention = convention;
    }

    @Override
    public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
        for (FastRoute route : routes) {
            if (route.method() == HttpMethod.GET && quotas.enabled() && quotas.holdsReads(Quotas.ANONYMOUS)) {
                continue;
            }
            FastRoute.Call call = route.match(request);
            if (call != null) {
                return serve(route, call, request, response);
            }
        }
        return webFlux.handle(request, response);
    }

    private Mono<Void> serve(FastRoute route, FastRoute.Call call, ServerHttpRequest request,
                             ServerHttpResponse response) {
        Map<String, Object> attributes = new HashMap<>(4);
        var context = new ServerRequestObservationContext(request, response, attributes);
        return Mono.defer(() -> {
                    ServerHttpRequest admitted = quotas.enabled()
                            ? quotas.admitRequestAndBody(request, Quotas.ANONYMOUS) : request;
                    context.setPathPattern(route.pattern());
                    return call.serve(admitted, response);
                })
                .onErrorResume(failure -> {
                    attributes.put(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION, failure);
                    return problems.handle(request, response, failure);
                })
                .onErrorResume(failure -> unanswered(request, response, failure))
                .tap(() -> new RequestObservation(context))
                .then(Mono.defer(response::setComplete));
    }

    /** A failure no problem could answer: a 500 while the response is open, as WebFlux does; else passed on. */
    private static Mono<Void> unanswered(ServerHttpRequest request, ServerHttpResponse response, Throwable failure) {
        if (response.setStatusCode(HttpStatus.INTERNAL_SERVER_ERROR)) {
            LOG.log(System.Logger.Level.ERROR, "500 Server Error for HTTP " + request.getMethod() + " \""
                    + request.getPath() + "\"", failure);
            return Mono.empty();
        }
        return Mono.error(failure);
    }

    /** Starts and stops the request's observation by the rules WebFlux's own listener follows. */
    private final class RequestObservation extends DefaultSignalListener<Void> {

        private final ServerRequestObservationContext context;
        private final Observation observation;
        private final AtomicBoolean recorded = new AtomicBoolean();

        RequestObservation(ServerRequestObservationContext context) {
            this.context = context;
            this.observation = ServerHttpObservationDocumentation.HTTP_REACTIVE_SERVER_REQUESTS.observation(
                    convention, DEFAULT_CONVENTION, () -> context, registry);
        }

        @Override
        public void doFirst() {
            observation.start();
        }

        @Override
        public void doOnCancel() {
            if (recorded.compareAndSet(false, true)) {
                context.setConnectionAborted(true);
                observation.stop();
            }
        }

        @Override
        public void doOnComplete() {
            if (recorded.compareAndSet(false, true)) {
                Object handled = context.getAttributes().get(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION);
                if (handled instanceof Throwable failure) {
                    observation.error(failure);
                }
                stopWhenCommitted();
            }
        }

        @Override
        public void doOnError(Throwable error) {
            if (recorded.compareAndSet(false, true)) {
                context.setError(error);
                stopWhenCommitted();
            }
        }

        private void stopWhenCommitted() {
            ServerHttpResponse response = context.getResponse();
            if (response == null || response.isCommitted()) {
                observation.stop();
            } else {
                response.beforeCommit(() -> {
                    observation.stop();
                    return Mono.empty();
                });
            }
        }
    }
}
