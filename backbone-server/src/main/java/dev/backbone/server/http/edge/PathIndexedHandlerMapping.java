package dev.backbone.server.http.edge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.server.PathContainer;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The annotated controllers' handler mapping, with the mappings indexed by the shape of their path patterns.
 *
 * <p>Why: for every request whose path holds a variable (a topic, a key, a partition), Spring's mapping evaluates
 * every {@code @RequestMapping} of the broker in turn, each with its method, {@code produces} and pattern
 * conditions; a profile of small requests put 10-13% of the broker's CPU there. Here a request first takes the
 * mappings whose patterns have its number of segments and its literal segments in the same places (a few, most of
 * the time one), and only those are evaluated, with Spring's own conditions and comparator, so the chosen method is
 * the one Spring would choose. Whenever that is not plainly so, the request goes the ordinary way: a CORS preflight,
 * a path with an empty segment, no match among the candidates (so that 404, 405, 406 and 415 come out as before),
 * or two equally good matches.
 *
 * <p>A pattern the index cannot reason about (a {@code **} or {@code {*rest}} that spans segments) makes its mapping
 * a candidate for every request.
 *
 * <p>Thread safety: the index is built once when the mappings are detected and only read afterwards.
 */
public class PathIndexedHandlerMapping extends RequestMappingHandlerMapping {

    private volatile PathShapeIndex index = PathShapeIndex.EMPTY;

    @Override
    protected void handlerMethodsInitialized(Map<RequestMappingInfo, HandlerMethod> handlerMethods) {
        super.handlerMethodsInitialized(handlerMethods);
        index = PathShapeIndex.of(handlerMethods);
    }

    @Override
    protected HandlerMethod lookupHandlerMethod(ServerWebExchange exchange) throws Exception {
        if (CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            return super.lookupHandlerMethod(exchange);
        }
        List<String> segments = PathShapeIndex.segments(exchange.getRequest().getPath().pathWithinApplication());
        if (segments == null) {
            return super.lookupHandlerMethod(exchange);
        }
        List<Match> matches = new ArrayList<>(2);
        for (PathShapeIndex.Entry candidate : index.candidates(segments)) {
            RequestMappingInfo narrowed = getMatchingMapping(candidate.mapping(), exchange);
            if (narrowed != null) {
                matches.add(new Match(narrowed, candidate.mapping()));
            }
        }
        if (matches.isEmpty()) {
            return super.lookupHandlerMethod(exchange);
        }
        if (matches.size() > 1) {
            Comparator<RequestMappingInfo> comparator = getMappingComparator(exchange);
            matches.sort((a, b) -> comparator.compare(a.narrowed(), b.narrowed()));
            if (comparator.compare(matches.get(0).narrowed(), matches.get(1).narrowed()) == 0) {
                return super.lookupHandlerMethod(exchange);
            }
        }
        Match best = matches.get(0);
        HandlerMethod handlerMethod = index.handlerMethods().get(best.registered());
        handleMatch(best.narrowed(), handlerMethod, exchange);
        return handlerMethod;
    }

    /** A mapping that matched, narrowed to the request by Spring, and the mapping it was registered as. */
    private record Match(RequestMappingInfo narrowed, RequestMappingInfo registered) {
    }

    /** Mappings by the number of segments of their patterns, each with the literal segments it requires. */
    record PathShapeIndex(Map<Integer, List<Entry>> bySegmentCount, List<Entry> everywhere,
                          Map<RequestMappingInfo, HandlerMethod> handlerMethods) {

        static final PathShapeIndex EMPTY = new PathShapeIndex(Map.of(), List.of(), Map.of());

        /** @param literals the literal segment required at each position, or {@code null} where any is taken */
        record Entry(RequestMappingInfo mapping, String[] literals) {

            boolean accepts(List<String> segments) {
                if (literals == null) {
                    return true;
                }
                for (int i = 0; i < literals.length; i++) {
                    if (literals[i] != null && !literals[i].equals(segments.get(i))) {
                        return false;
                    }
                }
                return true;
            }
        }

        static PathShapeIndex of(Map<RequestMappingInfo, HandlerMethod> handlerMethods) {
            Map<Integer, List<Entry>> bySegmentCount = new HashMap<>();
            List<Entry> everywhere = new ArrayList<>();
            for (RequestMappingInfo mapping : handlerMethods.keySet()) {
                for (PathPattern pattern : mapping.getPatternsCondition().getPatterns()) {
                    String[] literals = literals(pattern.getPatternString());
                    if (literals == null) {
                        everywhere.add(new Entry(mapping, null));
                    } else {
                        bySegmentCount.computeIfAbsent(literals.length, n -> new ArrayList<>())
                                .add(new Entry(mapping, literals));
                    }
                }
            }
            return new PathShapeIndex(bySegmentCount, everywhere, Map.copyOf(handlerMethods));
        }

        List<Entry> candidates(List<String> segments) {
            List<Entry> sameCount = bySegmentCount.getOrDefault(segments.size(), List.of());
            List<Entry> candidates = new ArrayList<>(everywhere.size() + 2);
            for (Entry entry : sameCount) {
                if (entry.accepts(segments)) {
                    candidates.add(entry);
                }
            }
            candidates.addAll(everywhere);
            return candidates;
        }

        /**
         * The literal segment at each position of a pattern ({@code null} for a segment with a variable or a
         * wildcard), or {@code null} for a pattern that may span a varying number of segments.
         */
        static String[] literals(String pattern) {
            if (pattern.contains("**") || pattern.contains("{*") || pattern.endsWith("/") || pattern.contains("//")
                    || !pattern.startsWith("/")) {
                return null;
            }
            String[] parts = pattern.substring(1).split("/", -1);
            String[] literals = new String[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                boolean plain = !part.isEmpty() && part.chars().noneMatch(c -> c == '{' || c == '*' || c == '?'
                        || c == ';' || c == '%' || c == '\\');
                literals[i] = plain ? part : null;
            }
            return literals;
        }

        /**
         * The decoded segments of a request path, as pattern matching compares them, or {@code null} for a path this
         * index does not handle (empty segments, a trailing slash, the root).
         */
        static List<String> segments(PathContainer path) {
            List<String> segments = new ArrayList<>(8);
            boolean expectSegment = false;
            for (PathContainer.Element element : path.elements()) {
                if (element instanceof PathContainer.PathSegment segment) {
                    if (!expectSegment || segment.valueToMatch().isEmpty()) {
                        return null;
                    }
                    segments.add(segment.valueToMatch());
                    expectSegment = false;
                } else {
                    if (expectSegment) {
                        return null;
                    }
                    expectSegment = true;
                }
            }
            return segments.isEmpty() || expectSegment ? null : segments;
        }
    }
}
