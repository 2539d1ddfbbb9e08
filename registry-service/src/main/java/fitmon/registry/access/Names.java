package fitmon.registry.access;

import java.util.List;
import java.util.regex.Pattern;

import fitmon.core.channel.TagSyntax;
import fitmon.registry.web.ApiProblem;

/** Spelling rules of names and tag patterns, with the refusal each breaks into. */
public final class Names {

    public static final List<String> ACTIONS = List.of("PUBLISH", "SUBSCRIBE", "ADMIN");
    private static final Pattern TAG_PATTERN = Pattern.compile("[A-Za-z0-9*][A-Za-z0-9._:*-]{0,127}");

    private Names() {
    }

    /** Principal, role and group names follow the TAG rule, so they are safe in paths and certificates. */
    public static String requireName(String what, String name) {
        if (name == null) {
            throw ApiProblem.validation(what + " is required");
        }
        if (!TagSyntax.isValid(name)) {
            throw ApiProblem.validation(what + " '" + shorten(name) + "' is not valid: " + TagSyntax.rule());
        }
        return name;
    }

    public static Permission requirePermission(Permission permission) {
        if (permission == null) {
            throw ApiProblem.validation("a permission must be an object {\"action\",\"tagPattern\"}");
        }
        if (permission.action() == null || !ACTIONS.contains(permission.action())) {
            throw ApiProblem.validation("permission action must be one of " + ACTIONS + ", not "
                    + (permission.action() == null ? "missing" : "'" + shorten(permission.action()) + "'"));
        }
        String pattern = permission.tagPattern();
        if (pattern == null || !TAG_PATTERN.matcher(pattern).matches()) {
            throw ApiProblem.validation("tagPattern must be a TAG or a glob over TAG characters with '*' for any run "
                    + "(e.g. 'host.*' or '*'), 1 to 128 characters; got "
                    + (pattern == null ? "nothing" : "'" + shorten(pattern) + "'"));
        }
        return permission;
    }

    public static String shorten(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
