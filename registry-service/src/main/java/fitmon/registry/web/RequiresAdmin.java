package fitmon.registry.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The handler serves administrators only: {@code X-Fitmon-Principal} must name an enabled ADMIN.
 * Checked before the request body is read, so an outsider learns nothing from body validation.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface RequiresAdmin {
}
