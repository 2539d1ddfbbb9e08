package fitmon.testkit;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.Callable;

/** What tests of a port's refusals need from plain sockets: outsiders on an address of their own, and how a connection ends. */
public final class RawSockets {

    /** Outsiders connect from here, as they would from another host (the 127.0.0.0/8 block is all loopback). */
    public static final InetAddress OUTSIDER = address("127.0.0.66");

    private RawSockets() {
    }

    /** A connection from {@link #OUTSIDER} that sends nothing. */
    public static Socket connectFromOutside(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(OUTSIDER, 0));
        socket.connect(address, 5000);
        return socket;
    }

    /** Whether something listens there. */
    public static boolean accepts(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when the other end closes without sending a byte (a timeout is not an end). */
    public static boolean endsWithoutAnswer(InputStream in) {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** True when the other end closes, whatever it sent first (a TLS alert, say), before the read timeout. */
    public static boolean closesWithinTimeout(InputStream in) {
        try {
            while (in.read() >= 0) {
                // an alert
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * True when a TLS connection fails in its handshake or is closed right after it: TLS 1.3 tells a
     * client that its certificate was refused only on its first read.
     */
    public static boolean refusedAtHandshake(Callable<? extends Socket> connect) {
        try (Socket socket = connect.call()) {
            socket.setSoTimeout(10_000);
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false; // nobody refused anything: the other end just waited
        } catch (Exception e) {
            return true;
        }
    }

    /** After its handshake, sends 4 bytes and expects the end without a byte back. */
    public static boolean closedWithoutAnswer(Callable<? extends Socket> connect) throws Exception {
        try (Socket socket = connect.call()) {
            socket.setSoTimeout(10_000);
            new DataOutputStream(socket.getOutputStream()).writeInt(1);
            return endsWithoutAnswer(socket.getInputStream());
        }
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
