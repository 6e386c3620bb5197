package dev.backbone.spring.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@link BackboneListener} methods on beans and, once all singletons exist, registers a container for each
 * with {@link BackboneListenerRegistry}. Attributes may hold {@code ${...}} placeholders.
 *
 * <p>Not thread-safe; the bean factory calls it from the thread that refreshes the context.
 */
public class BackboneListenerAnnotationProcessor
        implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

    private record Endpoint(String beanName, Object bean, Method method, BackboneListener annotation) {
    }

    private final List<Endpoint> endpoints = new ArrayList<>();

    private ConfigurableBeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ConfigurableBeanFactory) beanFactory;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        Class<?> targetClass = AopUtils.getTargetClass(bean);
        Map<Method, BackboneListener> annotated = MethodIntrospector.selectMethods(targetClass,
                (MethodIntrospector.MetadataLookup<BackboneListener>) method ->
                        AnnotatedElementUtils.findMergedAnnotation(method, BackboneListener.class));
        annotated.forEach((method, annotation) -> endpoints.add(new Endpoint(beanName, bean,
                AopUtils.selectInvocableMethod(method, bean.getClass()), annotation)));
        return bean;
    }

    @Override
    public void afterSingletonsInstantiated() {
        ListenerContainerFactory factory = beanFactory.getBean(ListenerContainerFactory.class);
        BackboneListenerRegistry registry = beanFactory.getBean(BackboneListenerRegistry.class);
        boolean defaultAutoStartup = Boolean.parseBoolean(
                resolve("${backbone.consumer.auto-startup:true}"));
        for (Endpoint endpoint : endpoints) {
            BackboneListener annotation = endpoint.annotation();
            String id = StringUtils.hasText(annotation.id()) ? resolve(annotation.id())
                    : endpoint.beanName() + "." + endpoint.method().getName();
            String group = StringUtils.hasText(annotation.group()) ? resolve(annotation.group())
                    : resolve("${spring.application.name:" + id + "}");
            List<String> topics = Arrays.stream(annotation.topics()).map(this::resolve).toList();
            int concurrency = Integer.parseInt(resolve(annotation.concurrency()).trim());
            boolean autoStartup = StringUtils.hasText(annotation.autoStartup())
                    ? Boolean.parseBoolean(resolve(annotation.autoStartup())) : defaultAutoStartup;
            registry.register(factory.create(id, group, topics, concurrency, autoStartup, endpoint.bean(),
                    endpoint.method()));
        }
        endpoints.clear();
    }

    private String resolve(String value) {
        return beanFactory.resolveEmbeddedValue(value);
    }
}
