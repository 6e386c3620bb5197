package dev.backbone.sample.order;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place order errors become RFC 9457 problem+json; Spring's own (validation, bad JSON) come from the base
 * class in the same format.
 */
@RestControllerAdvice
public class OrderProblems extends ResponseEntityExceptionHandler {

    static final String TYPES = "https://backbone.dev/samples/order-service/problems/";

    @ExceptionHandler
    ProblemDetail illegalTransition(IllegalTransitionException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "illegal-transition", "Illegal order transition", e);
        problem.setProperty("orderId", e.orderId());
        problem.setProperty("orderStatus", e.status());
        problem.setProperty("command", e.command());
        problem.setProperty("allowedFrom", e.allowedFrom());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail contended(OrderContendedException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "order-contended", "Order changed concurrently", e);
        problem.setProperty("orderId", e.orderId());
        problem.setProperty("attempts", e.attempts());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail unknownOrder(UnknownOrderException e) {
        ProblemDetail problem = problem(HttpStatus.NOT_FOUND, "unknown-order", "Unknown order", e);
        problem.setProperty("orderId", e.orderId());
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String title, RuntimeException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        problem.setType(URI.create(TYPES + slug));
        problem.setTitle(title);
        return problem;
    }
}
