package dev.backbone.spring.audit;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Schedulers;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.function.SingletonSupplier;

/**
 * Around every {@link Audited} method: runs it, then records one {@link AuditEntry} with the outcome. On a thread
 * that may block, the call returns once the entry is stored (so entries are in call order and an acknowledged
 * action has its entry); on a non-blocking Reactor thread it does not wait. A failure to record is logged at ERROR
 * and never changes what the method returned or threw.
 *
 * <p>Thread-safe; parsed expressions are cached per method.
 */
public final class AuditedMethodInterceptor implements MethodInterceptor {

    private static final Log log = LogFactory.getLog(AuditedMethodInterceptor.class);

    private final Supplier<AuditTrail> trail;

    private final Supplier<CurrentActor> currentActor;

    private final SpelExpressionParser parser = new SpelExpressionParser();

    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

    private final ConcurrentMap<Method, Expression> entityExpressions = new ConcurrentHashMap<>();

    private final Supplier<Duration> recordTimeout;

    /**
     * @param trail        where entries go; asked on first use, so that the interceptor, an infrastructure bean
     *                     created early, does not create the trail early
     * @param currentActor  who acts; asked on first use
     * @param recordTimeout how long a blocking caller waits for its entry to be stored; asked on first use
     */
    public AuditedMethodInterceptor(Supplier<AuditTrail> trail, Supplier<CurrentActor> currentActor,
                                    Supplier<Duration> recordTimeout) {
        this.trail = SingletonSupplier.of(trail);
        this.currentActor = SingletonSupplier.of(currentActor);
        this.recordTimeout = SingletonSupplier.of(recordTimeout);
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(),
                invocation.getThis() == null ? invocation.getMethod().getDeclaringClass()
                        : invocation.getThis().getClass());
        Audited audited = AnnotatedElementUtils.findMergedAnnotation(method, Audited.class);
        if (audited == null) {
            return invocation.proceed();
        }
        String actor = currentActor.get().name();
        Object result;
        try {
            result = invocation.proceed();
        } catch (Throwable failure) {
            record(audited, method, invocation, actor, null, failure);
            throw failure;
        }
        record(audited, method, invocation, actor, result, null);
        return result;
    }

    private void record(Audited audited, Method method, MethodInvocation invocation, String actor, Object result,
                        Throwable failure) {
        try {
            String entityId = entityId(audited, method, invocation, result);
            Map<String, String> details = failure == null ? Map.of()
                    : Map.of("exception", failure.getClass().getName());
            AuditEntry entry = new AuditEntry(actor, audited.action(), emptyToNull(audited.entityType()), entityId,
                    failure == null ? AuditEntry.Outcome.SUCCESS : AuditEntry.Outcome.FAILURE, details, Instant.now());
            CompletableFuture<Long> stored = trail.get().record(entry);
            if (Schedulers.isInNonBlockingThread()) {
                stored.whenComplete((offset, error) -> {
                    if (error != null) {
                        log.error("Could not record audit entry " + entry, error);
                    }
                });
            } else {
                stored.get(recordTimeout.get().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("Interrupted while recording the audit entry for " + method, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.error("Could not record audit entry for " + method + " (action " + audited.action() + ")", e);
        }
    }

    private String entityId(Audited audited, Method method, MethodInvocation invocation, Object result) {
        if (audited.entity().isEmpty()) {
            return null;
        }
        Expression expression = entityExpressions.computeIfAbsent(method,
                m -> parser.parseExpression(audited.entity()));
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(invocation.getThis(), method,
                invocation.getArguments(), parameterNames);
        context.setVariable("result", result);
        Object value = expression.getValue(context);
        return value == null ? null : value.toString();
    }

    private static String emptyToNull(String text) {
        return text.isEmpty() ? null : text;
    }
}
