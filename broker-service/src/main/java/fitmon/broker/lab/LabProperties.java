package fitmon.broker.lab;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Lab mode: the replica accepts being told to misbehave ({@link Misbehaviour}) through
 * {@code PUT /api/v1/lab}. Off by default; compose, the Helm chart and the default local run never
 * set it ({@code fitmon local --lab} does).
 *
 * @param enabled   lab mode on; without it there is no lab endpoint and the replica is honest for good
 * @param tokenFile required in lab mode: a file holding the token every lab request carries as
 *                  {@code Authorization: Bearer TOKEN} (at least 16 characters; the local suite
 *                  writes it 0600 in its data directory)
 */
@ConfigurationProperties("fitmon.broker.lab")
public record LabProperties(@DefaultValue("false") boolean enabled, Path tokenFile) {
}
