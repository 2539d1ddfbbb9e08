package fitmon.registry.access;

/** An action on the channels whose TAG matches a pattern ({@code *} matches any run of characters). */
public record Permission(String action, String tagPattern) {
}
