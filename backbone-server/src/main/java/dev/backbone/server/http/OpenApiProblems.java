package dev.backbone.server.http;

import dev.backbone.server.error.ProblemType;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.web.method.HandlerMethod;

/**
 * Adds to each operation of the OpenAPI description the problem+json responses its {@link ProblemResponses} names,
 * plus those any endpoint may give, grouped by status, with the problem types and an example of each.
 *
 * <p>Thread safety: stateless.
 */
public final class OpenApiProblems implements OperationCustomizer {

    private static final String PROBLEM_JSON = "application/problem+json";

    private static final List<ProblemType> EVERYWHERE = List.of(ProblemType.UNSUPPORTED_MEDIA_TYPE,
            ProblemType.NOT_ACCEPTABLE, ProblemType.UNAVAILABLE, ProblemType.INTERNAL_ERROR);

    @Override
    public Operation customize(Operation operation, HandlerMethod handlerMethod) {
        ProblemResponses declared = handlerMethod.getMethodAnnotation(ProblemResponses.class);
        List<ProblemType> types = new ArrayList<>(declared == null ? List.of() : List.of(declared.value()));
        EVERYWHERE.stream().filter(t -> !types.contains(t)).forEach(types::add);
        Map<Integer, List<ProblemType>> byStatus = new TreeMap<>();
        types.forEach(t -> byStatus.computeIfAbsent(t.status(), s -> new ArrayList<>()).add(t));
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        byStatus.forEach((status, problems) -> {
            // Two handler methods on one path and verb (JSON and batch produce) share one operation: merge.
            ApiResponse response = responses.get(Integer.toString(status));
            if (response == null || response.getContent() == null
                    || response.getContent().get(PROBLEM_JSON) == null) {
                response = new ApiResponse().description("")
                        .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(problemSchema())));
                responses.addApiResponse(Integer.toString(status), response);
            }
            MediaType media = response.getContent().get(PROBLEM_JSON);
            Map<String, Example> examples = media.getExamples() == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(media.getExamples());
            for (ProblemType problem : problems) {
                Map<String, Object> example = new LinkedHashMap<>();
                example.put("type", problem.type().toString());
                example.put("title", problem.title());
                example.put("status", problem.status());
                examples.put(problem.slug(), new Example().summary(problem.title()).value(example));
            }
            media.setExamples(examples);
            StringBuilder description = new StringBuilder();
            for (Example example : examples.values()) {
                description.append(description.isEmpty() ? "" : "; ").append(example.getSummary());
            }
            response.setDescription(description.toString());
        });
        operation.setResponses(responses);
        return operation;
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("RFC 9457 problem details; extension members carry the facts of the failure")
                .addProperty("type", new StringSchema().description("Stable problem type URI"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema());
    }
}
