package dev.backbone.spring.autoconfigure;

import java.util.function.Supplier;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.spring.audit.AuditActorResolver;
import dev.backbone.spring.audit.AuditTrail;
import dev.backbone.spring.audit.Audited;
import dev.backbone.spring.audit.AuditedMethodInterceptor;
import dev.backbone.spring.audit.BackboneAuditEventRepository;
import dev.backbone.spring.audit.BackboneAuditTrail;
import dev.backbone.spring.audit.CurrentActor;
import dev.backbone.spring.audit.SecurityContextPrincipal;
import dev.backbone.spring.serde.PayloadSerde;

import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.type.AnnotationMetadata;

/**
 * The audit trail, the {@code @Audited} interceptor and, with Actuator, an {@link AuditEventRepository} on the trail.
 * Off with {@code backbone.audit.enabled=false}.
 */
@AutoConfiguration(after = BackboneAutoConfiguration.class,
        beforeName = "org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration")
@ConditionalOnClass(BackboneClient.class)
@ConditionalOnBooleanProperty(name = "backbone.audit.enabled", matchIfMissing = true)
@Import(BackboneAuditAutoConfiguration.AutoProxyRegistrar.class)
public class BackboneAuditAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(AuditTrail.class)
    BackboneAuditTrail backboneAuditTrail(BackboneClient client, PayloadSerde serde, BackboneProperties properties) {
        return new BackboneAuditTrail(client, serde.mapper(), properties.getAudit().getTopic(),
                properties.getResponseTimeout());
    }

    @Bean
    @ConditionalOnMissingBean
    CurrentActor backboneCurrentActor(ObjectProvider<AuditActorResolver> resolver) {
        return new CurrentActor(securityPrincipal(), resolver.getIfUnique());
    }

    private static Supplier<String> securityPrincipal() {
        boolean security = org.springframework.util.ClassUtils.isPresent(
                "org.springframework.security.core.context.SecurityContextHolder",
                BackboneAuditAutoConfiguration.class.getClassLoader());
        return security ? new SecurityContextPrincipal() : () -> null;
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean(name = "backboneAuditedAdvisor")
    static Advisor backboneAuditedAdvisor(ObjectProvider<AuditTrail> trail, ObjectProvider<CurrentActor> currentActor,
                                          ObjectProvider<BackboneProperties> properties) {
        DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
                new AnnotationMatchingPointcut(null, Audited.class, true),
                new AuditedMethodInterceptor(trail::getObject, currentActor::getObject,
                        () -> properties.getObject().getResponseTimeout()));
        advisor.setOrder(0);
        return advisor;
    }

    /**
     * Actuator's audit event repository on the trail, so authentication events land in the chain. Only with Spring
     * Security: an {@code AuditEventRepository} bean makes Actuator register its Spring Security audit listeners,
     * which fail to load without Spring Security on the class path.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(value = AuditEventRepository.class,
            name = "org.springframework.security.authentication.event.AbstractAuthenticationEvent")
    static class ActuatorAuditConfiguration {

        @Bean
        @ConditionalOnMissingBean(AuditEventRepository.class)
        BackboneAuditEventRepository backboneAuditEventRepository(AuditTrail trail) {
            return new BackboneAuditEventRepository(trail);
        }
    }

    /** Makes sure an auto-proxy creator applies the {@code @Audited} advisor even without Spring Boot's AOP setup. */
    static class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
            AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
        }
    }
}
