package fitmon.broker.state;

import java.util.TreeSet;

/**
 * Numbers seen from one source (a probe's SEQs, a gateway's nonces) that may arrive slightly out
 * of order: any number not seen before and not older than the window is accepted once.
 */
final class ReplayWindow {

    static final int SIZE = 4096;

    long highest;
    final TreeSet<Long> seen = new TreeSet<>();

    /** Null if accepted (and recorded), else why not. */
    String admit(long n, String what) {
        if (n <= highest - SIZE) {
            return what + " " + n + " is older than the replay window (highest seen " + highest + ", window " + SIZE + ")";
        }
        if (!seen.add(n)) {
            return what + " " + n + " was already accepted";
        }
        highest = Math.max(highest, n);
        while (!seen.isEmpty() && seen.first() <= highest - SIZE) {
            seen.pollFirst();
        }
        return null;
    }
}
