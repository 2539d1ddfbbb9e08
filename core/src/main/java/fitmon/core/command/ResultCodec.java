package fitmon.core.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import fitmon.core.wire.WireFormatException;
import fitmon.core.wire.WireReader;
import fitmon.core.wire.WireWriter;

/** The binary encoding of {@link CommandResult}s, deterministic so replies compare byte for byte. */
public final class ResultCodec {

    private static final int MAX_DETAIL_BYTES = 4096;
    private static final int ACCEPTED = 1;
    private static final int REJECTED = 2;
    private static final int PUBLISHED = 3;
    private static final int APPENDED = 1;
    private static final int QUEUED = 2;
    private static final int REFUSED = 3;

    private ResultCodec() {
    }

    public static byte[] encode(CommandResult result) {
        WireWriter w = new WireWriter(64);
        if (result instanceof CommandResult.Accepted a) {
            w.writeByte(ACCEPTED).writeString(bounded(a.detail()));
        } else if (result instanceof CommandResult.Rejected r) {
            w.writeByte(REJECTED).writeString(r.reason().name()).writeString(bounded(r.detail()));
        } else if (result instanceof CommandResult.Published p) {
            w.writeByte(PUBLISHED).writeInt(p.outcomes().size());
            for (EventOutcome outcome : p.outcomes()) {
                if (outcome instanceof EventOutcome.Appended a) {
                    w.writeByte(APPENDED).writeLong(a.channelSeq()).writeLong(a.orderedAtMillis());
                } else if (outcome instanceof EventOutcome.Queued q) {
                    w.writeByte(QUEUED).writeString(q.probeId()).writeLong(q.seq());
                } else if (outcome instanceof EventOutcome.Refused f) {
                    w.writeByte(REFUSED).writeString(f.reason().name()).writeString(bounded(f.detail()));
                }
            }
        }
        return w.toByteArray();
    }

    /**
     * Details can quote hostile input (an unknown event member's name, say), so they are cut to what
     * {@link #decode} accepts, at a character boundary. Deterministic: every replica cuts alike.
     */
    static String bounded(String detail) {
        byte[] utf8 = detail.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_DETAIL_BYTES) {
            return detail;
        }
        int end = MAX_DETAIL_BYTES - 3;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8) + "...";
    }

    /** @throws WireFormatException with a readable reason for anything that is not a result */
    public static CommandResult decode(byte[] bytes) {
        if (bytes == null) {
            throw new WireFormatException("no result");
        }
        WireReader r = new WireReader(bytes);
        CommandResult result = switch (r.readByte()) {
            case ACCEPTED -> new CommandResult.Accepted(r.readString(MAX_DETAIL_BYTES));
            case REJECTED -> new CommandResult.Rejected(reason(r), r.readString(MAX_DETAIL_BYTES));
            case PUBLISHED -> {
                int count = r.readCount(CommandCodec.MAX_BATCH, 1);
                List<EventOutcome> outcomes = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    outcomes.add(switch (r.readByte()) {
                        case APPENDED -> new EventOutcome.Appended(r.readLong(), r.readLong());
                        case QUEUED -> new EventOutcome.Queued(r.readString(MAX_DETAIL_BYTES), r.readLong());
                        case REFUSED -> new EventOutcome.Refused(reason(r), r.readString(MAX_DETAIL_BYTES));
                        default -> throw new WireFormatException("unknown event outcome");
                    });
                }
                yield new CommandResult.Published(outcomes);
            }
            default -> throw new WireFormatException("unknown result type");
        };
        r.expectEnd();
        return result;
    }

    private static RejectReason reason(WireReader r) {
        String name = r.readString(MAX_DETAIL_BYTES);
        try {
            return RejectReason.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("unknown reject reason " + name);
        }
    }
}
