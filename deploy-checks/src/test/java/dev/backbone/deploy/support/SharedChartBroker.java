package dev.backbone.deploy.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests one broker of the default chart, started on first use and stopped when the test run ends (JUnit closes
 * what the root store holds): starting a broker costs seconds, and the monitoring and chart checks only read it.
 *
 * <p>Thread safety: JUnit serializes access to the store's value creation.
 */
public final class SharedChartBroker implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            SharedChartBroker.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ChartBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(ChartBroker.class,
                type -> ChartBroker.startDefault(Project.scratch("shared-broker-" + ProcessHandle.current().pid())),
                ChartBroker.class);
    }
}
