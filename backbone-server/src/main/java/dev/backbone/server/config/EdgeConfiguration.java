package dev.backbone.server.config;

import dev.backbone.server.error.ProblemWebExceptionHandler;
import dev.backbone.server.http.JsonProduce;
import dev.backbone.server.http.edge.EdgeServerCustomizer;
import dev.backbone.server.http.edge.FastPathDecorator;
import dev.backbone.server.http.edge.JsonProduceRoute;
import dev.backbone.server.http.edge.KeyReadRoute;
import dev.backbone.server.http.keys.KeyStreamController;
import dev.backbone.server.http.edge.PathIndexedHandlerMapping;
import dev.backbone.server.http.edge.PrincipalContextFilter;
import dev.backbone.server.http.edge.QuotaFilter;
import dev.backbone.server.metrics.QuotaMetrics;
import dev.backbone.server.quota.QuotaLimits;
import dev.backbone.server.quota.Quotas;
import dev.backbone.server.security.SecurityMode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.webflux.autoconfigure.WebFluxRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.util.unit.DataSize;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.WebFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires the edge of the broker: connection limits and timeouts on the Netty server, the controllers' handler mapping,
 * quotas and the principal of each request, CORS, and the fast path in front of WebFlux.
 *
 * <p>Filter order: CORS first (-200, so that a browser's preflight, which carries no credentials, is answered
 * before authentication), then Spring Security (-100) when present, then the principal's context (0) and its
 * quotas (10).
 */
@Configuration(proxyBeanMethods = false)
class EdgeConfiguration {

    /** Ahead of Spring Security's filter chain (-100). */
    static final int CORS_ORDER = -200;

    @Bean
    EdgeServerCustomizer edgeServerCustomizer(HttpEdgeProperties properties, ObjectProvider<JsonMapper> json,
                                              MeterRegistry registry) {
        EdgeServerCustomizer customizer = new EdgeServerCustomizer(new EdgeServerCustomizer.Settings(
                properties.getMaxConnections(), properties.getRequestHeadTimeout(), properties.getBodyReadTimeout()),
                json.getIfAvailable(() -> JsonMapper.builder().build()));
        Gauge.builder("backbone.http.connections", customizer, EdgeServerCustomizer::openConnections)
                .description("HTTP connections open now").register(registry);
        FunctionCounter.builder("backbone.http.request.head.timeouts", customizer,
                        EdgeServerCustomizer::headTimeouts)
                .description("Connections closed because a request head came too slowly").register(registry);
        return customizer;
    }

    /** Finds the controller method of a request among the few whose path shape fits it, not among all. */
    @Bean
    WebFluxRegistrations pathIndexedHandlerMapping() {
        return new WebFluxRegistrations() {
            @Override
            public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                return new PathIndexedHandlerMapping();
            }
        };
    }

    @Bean
    PrincipalContextFilter principalContextFilter() {
        return new PrincipalContextFilter();
    }

    @Bean
    Quotas quotas(QuotaProperties properties, MeterRegistry registry) {
        Map<String, QuotaLimits> principals = new LinkedHashMap<>();
        properties.getPrincipals().forEach((name, limits) -> principals.put(name, limits(limits)));
        return new Quotas(new Quotas.Settings(limits(properties.getDefault()), principals, properties.getBurst(),
                properties.getMaxFetchDelay()), new QuotaMetrics(registry), System::nanoTime);
    }

    @Bean
    QuotaFilter quotaFilter(Quotas quotas) {
        return new QuotaFilter(quotas);
    }

    @Bean
    JsonProduceRoute jsonProduceRoute(JsonProduce produce, ObjectProvider<JsonMapper> json) {
        return new JsonProduceRoute(produce, json.getIfAvailable(() -> JsonMapper.builder().build()));
    }

    @Bean
    KeyReadRoute keyReadRoute(KeyStreamController controller) {
        return new KeyReadRoute(controller);
    }

    /** Serves the hottest requests below WebFlux where that changes nothing a client or a metric could see. */
    @Bean
    FastPathDecorator fastPathDecorator(JsonProduceRoute produce, KeyReadRoute keyRead, QuotaFilter quotas,
                                        ProblemWebExceptionHandler problems, HttpEdgeProperties properties,
                                        SecurityProperties security, ObjectProvider<WebFilter> filters) {
        return FastPathDecorator.of(List.of(produce, keyRead), quotas, problems, properties.isFastPath(),
                security.getMode() != SecurityMode.ENFORCE, filters.orderedStream().toList());
    }

    @Bean
    @Order(CORS_ORDER)
    @ConditionalOnProperty(name = "backbone.http.cors.enabled", havingValue = "true")
    CorsWebFilter corsWebFilter(HttpEdgeProperties properties) {
        HttpEdgeProperties.Cors cors = properties.getCors();
        CorsConfiguration config = new CorsConfiguration();
        config.setAllowedOrigins(cors.getAllowedOrigins());
        config.setAllowedOriginPatterns(cors.getAllowedOriginPatterns());
        config.setAllowedMethods(cors.getAllowedMethods());
        config.setAllowedHeaders(cors.getAllowedHeaders());
        config.setExposedHeaders(cors.getExposedHeaders());
        config.setAllowCredentials(cors.isAllowCredentials());
        config.setMaxAge(cors.getMaxAge());
        // Refuses '*' origins with credentials at start rather than at the first request.
        config.validateAllowCredentials();
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/v1/**", config);
        return new CorsWebFilter(source);
    }

    private static QuotaLimits limits(QuotaProperties.Limits limits) {
        return new QuotaLimits(bytes(limits.getProduceBytesPerSecond()), bytes(limits.getFetchBytesPerSecond()),
                limits.getRequestsPerSecond() == null ? 0 : limits.getRequestsPerSecond());
    }

    private static long bytes(DataSize size) {
        return size == null ? 0 : size.toBytes();
    }
}
