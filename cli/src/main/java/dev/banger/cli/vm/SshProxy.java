package dev.banger.cli.vm;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Locale;

/**
 * ssh's ProxyCommand for NAME.vm (NET-5, `banger ssh-config`): the daemon says where the
 * VM is, and this process is the TCP connection to its sshd, stdin to the VM and the VM
 * to stdout, until either side closes. No resolver is involved.
 */
final class SshProxy {
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private SshProxy() {
    }

    /** "calm-otter.vm" → "calm-otter"; anything outside .vm is not banger's to connect. */
    static String vmName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (!h.endsWith(".vm") || h.length() == 3) {
            throw new UserError(ErrorKind.BAD_REQUEST, "ssh-proxy connects NAME.vm hosts only, not '" + host + "'");
        }
        return h.substring(0, h.length() - 3);
    }

    static int pipe(String ip, int port, InputStream in, OutputStream out) throws IOException, InterruptedException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), CONNECT_TIMEOUT_MILLIS);
            s.setTcpNoDelay(true);
            Thread up = new Thread(() -> {
                try {
                    in.transferTo(s.getOutputStream());
                    s.shutdownOutput(); // ssh closed our stdin: the VM sees EOF, its answer still comes back
                } catch (IOException e) {
                    // the connection is gone; the copy below ends too
                }
            }, "ssh-proxy-up");
            up.setDaemon(true);
            up.start();
            InputStream fromVm = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n = fromVm.read(buf); n >= 0; n = fromVm.read(buf)) {
                out.write(buf, 0, n);
                out.flush();
            }
            return 0;
        }
    }
}
