package fitmon.registry.enrollment;

import java.time.Instant;

/** A row of the enrollments table, with the probe's name. */
public record Enrollment(String id, long principalId, String probeId, String csrPem, String status, Instant createdAt,
                         Instant decidedAt, String reason, String certificateSerial) {
}
