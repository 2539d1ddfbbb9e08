package fitmon.replication.bftsmart;

import java.io.ObjectInputFilter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide Java deserialization filter (JEP 290). The library reads replica-to-replica
 * messages with {@code ObjectInputStream}; without a filter a compromised replica could send a
 * gadget chain to the others. Only the library's message classes and the few JDK types they
 * contain are admitted, within depth, array and size limits (arrays other than {@code byte[]}
 * within {@value #MAX_OTHER_ARRAY_ELEMENTS} elements); everything else is refused.
 */
public final class DeserializationFilter {

    private static final Logger LOG = LoggerFactory.getLogger(DeserializationFilter.class);

    /** Admitted classes; array element types are matched, primitive arrays are allowed. */
    static final String PATTERN = String.join(";",
            "maxdepth=20",
            "maxrefs=1000000",
            "maxarray=268435456",
            "maxbytes=1073741824",
            "!bftsmart.demo.**",
            "bftsmart.**",
            "java.lang.String", "java.lang.Number", "java.lang.Integer", "java.lang.Long", "java.lang.Short",
            "java.lang.Byte", "java.lang.Boolean", "java.lang.Character", "java.lang.Double", "java.lang.Float",
            "java.lang.Enum", "java.lang.Object",
            "java.math.BigInteger",
            "java.security.SignedObject",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap",
            "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
            "java.util.Map$Entry", "java.util.AbstractMap$SimpleEntry", "java.util.AbstractMap$SimpleImmutableEntry",
            "java.util.KeyValueHolder", "java.util.CollSer", "java.util.concurrent.ConcurrentHashMap",
            "java.util.concurrent.ConcurrentHashMap$Segment", "java.util.concurrent.locks.ReentrantLock",
            "java.util.concurrent.locks.ReentrantLock$Sync", "java.util.concurrent.locks.ReentrantLock$NonfairSync",
            "java.util.concurrent.locks.AbstractQueuedSynchronizer",
            "java.util.concurrent.locks.AbstractOwnableSynchronizer",
            "java.util.Hashtable", "java.util.Vector", "java.util.Arrays$ArrayList",
            "java.util.Collections$UnmodifiableList", "java.util.Collections$UnmodifiableRandomAccessList",
            "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableSet",
            "java.util.Collections$UnmodifiableMap", "java.util.Collections$EmptyList",
            "java.util.Collections$EmptySet", "java.util.Collections$EmptyMap",
            "java.net.SocketAddress", "java.net.InetSocketAddress", "java.net.InetAddress", "java.net.Inet4Address", "java.net.Inet6Address",
            "java.net.Inet6Address$Inet6AddressHolder",
            "!*");

    /**
     * Elements an array other than {@code byte[]} may declare. The stream allocates an array at the
     * length it declares before reading a single element, so without this a few bytes claiming a
     * {@code long[268435456]} would allocate 2 GiB. The library's messages hold byte arrays
     * (request contents, state) and small arrays of everything else (a batch's requests, a view's
     * addresses); 1 M elements is far above any of those.
     */
    static final int MAX_OTHER_ARRAY_ELEMENTS = 1 << 20;

    private static final ObjectInputFilter FILTER = withRejectionLog(
            withArrayLimits(ObjectInputFilter.Config.createFilter(PATTERN)));

    private DeserializationFilter() {
    }

    /** Installs the filter for the whole JVM, before any replica or client starts. Idempotent. */
    public static synchronized void install() {
        ObjectInputFilter current = ObjectInputFilter.Config.getSerialFilter();
        if (current == FILTER) {
            return;
        }
        if (current != null) {
            LOG.warn("a process-wide deserialization filter is already set ({}); fitmon's filter was not installed", current);
            return;
        }
        ObjectInputFilter.Config.setSerialFilter(FILTER);
        LOG.info("process-wide deserialization filter installed: BFT-SMaRt messages and basic JDK types only");
    }

    private static final java.util.concurrent.atomic.AtomicLong REJECTED = new java.util.concurrent.atomic.AtomicLong();

    /** How many objects this process refused to deserialize so far (a metric, and for tests). */
    public static long rejectedCount() {
        return REJECTED.get();
    }

    /** The filter itself, for tests and for streams that want it explicitly. */
    public static ObjectInputFilter filter() {
        return FILTER;
    }

    /** Byte arrays up to the pattern's {@code maxarray}; every other array up to {@link #MAX_OTHER_ARRAY_ELEMENTS}. */
    private static ObjectInputFilter withArrayLimits(ObjectInputFilter filter) {
        return info -> {
            Class<?> type = info.serialClass();
            if (type != null && type.isArray() && type != byte[].class && info.arrayLength() > MAX_OTHER_ARRAY_ELEMENTS) {
                return ObjectInputFilter.Status.REJECTED;
            }
            return filter.checkInput(info);
        };
    }

    private static ObjectInputFilter withRejectionLog(ObjectInputFilter filter) {
        return info -> {
            ObjectInputFilter.Status status = filter.checkInput(info);
            if (status == ObjectInputFilter.Status.REJECTED) {
                REJECTED.incrementAndGet();
            }
            if (status == ObjectInputFilter.Status.REJECTED && REJECTION_LOG.allow()) {
                LOG.warn("refused to deserialize {} (depth {}, array length {}, {} bytes read): not an admitted type or "
                                + "over a limit{}", info.serialClass() == null ? "data" : info.serialClass().getName(),
                        info.depth(), info.arrayLength(), info.streamBytes(), REJECTION_LOG.suppressedNote());
            }
            return status;
        };
    }

    /** A hostile peer could send refusals in a loop: at most a few warnings a minute. */
    private static final RateLimit REJECTION_LOG = new RateLimit(10, 60_000);

    static final class RateLimit {
        private final int perWindow;
        private final long windowMillis;
        private long windowStart;
        private int used;
        private long suppressed;
        private long reportSuppressed;

        RateLimit(int perWindow, long windowMillis) {
            this.perWindow = perWindow;
            this.windowMillis = windowMillis;
        }

        synchronized boolean allow() {
            long now = System.currentTimeMillis();
            if (now - windowStart >= windowMillis) {
                windowStart = now;
                used = 0;
                reportSuppressed = suppressed;
                suppressed = 0;
            }
            if (used < perWindow) {
                used++;
                return true;
            }
            suppressed++;
            return false;
        }

        synchronized String suppressedNote() {
            if (reportSuppressed == 0) {
                return "";
            }
            String note = " (" + reportSuppressed + " similar refusals not logged in the previous minute)";
            reportSuppressed = 0;
            return note;
        }
    }
}
