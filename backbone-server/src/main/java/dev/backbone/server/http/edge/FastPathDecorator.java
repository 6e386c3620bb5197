package dev.backbone.server.http.edge;

import dev.backbone.server.error.ProblemWebExceptionHandler;
import java.util.List;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.HttpWebHandlerAdapter;

/**
 * Puts the {@link FastPathHandler} in front of WebFlux when the fast path can answer exactly as WebFlux would: it is
 * switched on, security is off ({@code backbone.security.mode=none}, so that Spring Security's chain permits every
 * request and adds nothing to an answer), every web filter is one whose work the fast path repeats or that does
 * nothing to a request in that mode, and WebFlux rewrites no forwarded headers. Otherwise the handler stays WebFlux's
 * own, and the reason is logged once at start.
 *
 * <p>Thread safety: applied once, at start-up; {@link #installed()} may be read from any thread after.
 */
public final class FastPathDecorator implements HttpHandlerDecoratorFactory {

    private static final System.Logger LOG = System.getLogger(FastPathDecorator.class.getName());

    private final List<FastRoute> routes;
    private final QuotaFilter quotas;
    private final ProblemWebExceptionHandler problems;
    private final String refusal;
    private volatile boolean installed;

    private FastPathDecorator(List<FastRoute> routes, QuotaFilter quotas, ProblemWebExceptionHandler problems,
                              String refusal) {
        this.routes = List.copyOf(routes);
        this.quotas = quotas;
        this.problems = problems;
        this.refusal = refusal;
    }

    /**
     * @param routes         the requests the fast path serves, tried in order
     * @param enabled        {@code backbone.http.fast-path}
     * @param securityIsOff  whether security mode is {@code none}
     * @param filters        every {@link WebFilter} of the application
     */
    public static FastPathDecorator of(List<FastRoute> routes, QuotaFilter quotas, ProblemWebExceptionHandler problems,
                                       boolean enabled, boolean securityIsOff, List<WebFilter> filters) {
        String refusal = null;
        if (!enabled) {
            refusal = "backbone.http.fast-path=false";
        } else if (!securityIsOff) {
            refusal = "security is on (backbone.security.mode=enforce)";
        } else {
            for (WebFilter filter : filters) {
                if (!isRepeatedOrInert(filter)) {
                    refusal = "the web filter " + filter.getClass().getName() + " would be skipped";
                    break;
                }
            }
        }
        return new FastPathDecorator(routes, quotas, problems, refusal);
    }

    /** Why requests may not take the fast path, or null when they may. */
    public String refusal() {
        return refusal;
    }

    /** Whether the fast path was put in front of WebFlux's handler. */
    public boolean installed() {
        return installed;
    }

    @Override
    public HttpHandler apply(HttpHandler handler) {
        if (refusal != null) {
            LOG.log(System.Logger.Level.INFO, "The HTTP fast path is off: {0}", refusal);
            return handler;
        }
        if (!(handler instanceof HttpWebHandlerAdapter webFlux) || webFlux.getForwardedHeaderTransformer() != null) {
            LOG.log(System.Logger.Level.INFO, "The HTTP fast path is off: WebFlux's handler is decorated otherwise"
                    + " or rewrites forwarded headers");
            return handler;
        }
        installed = true;
        return new FastPathHandler(webFlux, routes, quotas, problems, webFlux.getObservationRegistry(),
                webFlux.getObservationConvention());
    }

    /**
     * The principal's context (anonymous in mode none, which is also the default where it is read), the quotas
     * (repeated by the route) and Spring Security's chain (in mode none it permits all and writes no headers).
     */
    private static boolean isRepeatedOrInert(WebFilter filter) {
        return filter instanceof PrincipalContextFilter || filter instanceof QuotaFilter
                || filter instanceof org.springframework.security.web.server.WebFilterChainProxy;
    }
}
