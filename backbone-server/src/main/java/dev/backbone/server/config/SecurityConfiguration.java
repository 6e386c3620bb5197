package dev.backbone.server.config;

import dev.backbone.server.audit.AuditChains;
import dev.backbone.server.error.ProblemMapper;
import dev.backbone.server.error.ProblemWebExceptionHandler;
import dev.backbone.server.group.GroupCoordinator;
import dev.backbone.server.http.BlockingScheduler;
import dev.backbone.server.security.Acls;
import dev.backbone.server.security.ApiKey;
import dev.backbone.server.security.ApiKeys;
import dev.backbone.server.security.Authorizer;
import dev.backbone.server.security.BearerAuthenticationManager;
import dev.backbone.server.security.ProblemAuthenticationEntryPoint;
import dev.backbone.server.security.RejectedRequestHandler;
import dev.backbone.server.security.RouteAuthorizationFilter;
import dev.backbone.server.security.RouteTable;
import dev.backbone.server.security.ScopePermissions;
import dev.backbone.server.security.SecurityAuditLog;
import dev.backbone.server.security.SecurityJournal;
import dev.backbone.server.security.SecurityMode;
import dev.backbone.server.security.Visibility;
import dev.backbone.server.topic.TopicRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires authentication and authorization: the key and ACL stores with their internal topics, the security audit,
 * and the one {@link SecurityWebFilterChain}, which in {@code none} mode permits everything and in {@code enforce}
 * mode authenticates bearer tokens (API keys and JWTs) and then applies the {@link RouteTable}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    private static final System.Logger LOG = System.getLogger(SecurityConfiguration.class.getName());

    /** Readable without credentials in enforce mode: what probes and scrapers need, nothing that names data. */
    private static final String[] PUBLIC_ACTUATOR = {"/actuator/health/liveness", "/actuator/health/readiness",
            "/actuator/prometheus"};
    /** The API description: the shape of the API, no data. */
    private static final String[] PUBLIC_DOCS = {"/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html",
            "/swagger-ui/**", "/webjars/**"};

    /**
     * No Micrometer observations of Spring Security's filter chain, authentication and authorization. With them on
     * (Spring Security's default when an observation registry exists), every request started and stopped about a
     * dozen observations and long-task timers, one per security filter: a sixth of the CPU a small request costs
     * the broker, more than the request's own work. Requests are still timed once, by
     * {@code http_server_requests_seconds}; refusals are counted by the security audit.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    ApiKeys apiKeys(TopicRegistry registry, SecurityProperties properties, ObjectProvider<JsonMapper> json)
            throws IOException {
        Clock clock = Clock.systemUTC();
        SecurityJournal journal = SecurityJournal.open(registry, ApiKeys.TOPIC, jsonMapper(json), clock);
        List<ApiKey> bootstrap = new ArrayList<>();
        for (SecurityProperties.BootstrapKey key : properties.getApiKeys()) {
            bootstrap.add(ApiKeys.bootstrapKey(key.getPrincipal(), key.getHash(),
                    key.getExpiresAt() == null ? null : Instant.parse(key.getExpiresAt()), clock.instant()));
        }
        return ApiKeys.load(journal, clock, bootstrap);
    }

    @Bean
    Acls acls(TopicRegistry registry, ObjectProvider<JsonMapper> json) throws IOException {
        return Acls.load(SecurityJournal.open(registry, Acls.TOPIC, jsonMapper(json), Clock.systemUTC()));
    }

    /** After the audit chains, so that the chained audit topic gets its chain when it is created. */
    @Bean(destroyMethod = "close")
    SecurityAuditLog securityAuditLog(TopicRegistry registry, AuditChains chains, SecurityProperties properties,
                                      ObjectProvider<JsonMapper> json, MeterRegistry meters) {
        SecurityAuditLog audit = SecurityAuditLog.open(registry, jsonMapper(json), Clock.systemUTC(),
                properties.getAudit().getMaxPendingRefusals());
        FunctionCounter.builder("backbone.security.audit.dropped", audit, SecurityAuditLog::dropped)
                .description("Refused requests not written to the security audit because its queue was full")
                .register(meters);
        FunctionCounter.builder("backbone.security.audit.appended", audit, SecurityAuditLog::appended)
                .description("Entries written to the security audit topic").register(meters);
        return audit;
    }

    @Bean
    Authorizer authorizer(Acls acls, SecurityProperties properties) {
        return new Authorizer(acls, properties.getSuperUsers(),
                ScopePermissions.parse(properties.getJwt().getPermissions()));
    }

    @Bean
    Visibility visibility(SecurityProperties properties, Authorizer authorizer) {
        return properties.getMode() == SecurityMode.ENFORCE ? Visibility.enforced(authorizer) : Visibility.ALL;
    }

    @Bean
    RouteTable routeTable(TopicRegistry registry, GroupCoordinator groups, BackboneProperties backbone) {
        return RouteTable.broker(registry, groups, backbone.getTopics().isAutoCreate());
    }

    /**
     * In {@code none} mode no firewall, so that every request is served as before security existed. In
     * {@code enforce} mode Spring Security's strict firewall, allowing what key-stream keys and topic names need in
     * a path: encoded slashes, percent signs, periods and backslashes, and semicolons. Authorization matches the
     * same parsed path the handlers are routed by, so these cannot make the two disagree.
     */
    @Bean
    ServerWebExchangeFirewall serverWebExchangeFirewall(SecurityProperties properties) {
        if (properties.getMode() != SecurityMode.ENFORCE) {
            return ServerWebExchangeFirewall.INSECURE_NOOP;
        }
        StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
        firewall.setAllowUrlEncodedSlash(true);
        firewall.setAllowUrlEncodedDoubleSlash(true);
        firewall.setAllowUrlEncodedPercent(true);
        firewall.setAllowUrlEncodedPeriod(true);
        firewall.setAllowBackSlash(true);
        firewall.setAllowSemicolon(true);
        return firewall;
    }

    @Bean
    ServerExchangeRejectedHandler serverExchangeRejectedHandler(ProblemMapper mapper,
                                                                ProblemWebExceptionHandler problems) {
        return new RejectedRequestHandler(mapper, problems);
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, SecurityProperties properties,
                                                  ApiKeys keys, Authorizer authorizer, RouteTable table,
                                                  SecurityAuditLog audit, ProblemMapper mapper,
                                                  ProblemWebExceptionHandler problems, BlockingScheduler blocking,
                                                  ObjectProvider<JsonMapper> json) {
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        if (properties.getMode() != SecurityMode.ENFORCE) {
            LOG.log(Level.WARNING, "backbone.security.mode=none: every client that reaches this port may read,"
                    + " write and delete every topic. Set backbone.security.mode=enforce for anything shared.");
            return http.headers(ServerHttpSecurity.HeaderSpec::disable)
                    .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                    .build();
        }
        ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(mapper, problems, audit);
        ReactiveAuthenticationManager bearer = new BearerAuthenticationManager(keys,
                JwtAuthentication.manager(properties.getJwt()));
        LOG.log(Level.INFO, "backbone.security.mode=enforce: API keys{0}; super-users {1}",
                properties.getJwt().isConfigured() ? " and JWTs" : " only", properties.getSuperUsers());
        return http
                .exceptionHandling(handling -> handling.authenticationEntryPoint(entryPoint))
                .oauth2ResourceServer(server -> server
                        .authenticationManagerResolver(exchange -> reactor.core.publisher.Mono.just(bearer))
                        .authenticationEntryPoint(entryPoint))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(PUBLIC_ACTUATOR).permitAll()
                        .pathMatchers(PUBLIC_DOCS).permitAll()
                        .anyExchange().authenticated())
                .addFilterAfter(new RouteAuthorizationFilter(table, authorizer, audit, jsonMapper(json),
                        blocking.scheduler()), SecurityWebFiltersOrder.AUTHORIZATION)
                .build();
    }

    private static JsonMapper jsonMapper(ObjectProvider<JsonMapper> json) {
        return json.getIfAvailable(() -> JsonMapper.builder().build());
    }
}
