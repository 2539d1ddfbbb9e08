package fitmon.registry.principal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a principal is: a person or tool administering fitmon, a probe, or a console. */
public enum PrincipalKind {
    ADMIN, OPERATOR, PROBE, CONSOLE;

    public static Optional<PrincipalKind> parse(String text) {
        return Arrays.stream(values()).filter(kind -> kind.name().equals(text)).findFirst();
    }

    /** The group a new principal of this kind joins when none is named. */
    public String defaultGroup() {
        return name().toLowerCase(Locale.ROOT);
    }
}
