package fitmon.gateway.admission;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The key a client's requests are counted under: its IPv4 address, or the /64 network of its IPv6
 * address (one host commonly holds a whole /64, so single IPv6 addresses are free to an attacker).
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(String remoteAddr) {
        if (remoteAddr == null || remoteAddr.indexOf(':') < 0) {
            return remoteAddr == null ? "unknown" : remoteAddr;
        }
        try {
            byte[] bytes = InetAddress.getByName(remoteAddr).getAddress();
            if (bytes.length != 16) {
                return remoteAddr;
            }
            StringBuilder network = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                network.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return network.append(":/64").toString();
        } catch (UnknownHostException e) {
            return remoteAddr; // Tomcat hands over numeric addresses only; keep it as given
        }
    }
}
