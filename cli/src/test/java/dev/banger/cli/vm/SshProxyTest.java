package dev.banger.cli.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.banger.cli.output.UserError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class SshProxyTest {
    @Test
    void onlyVmNamesAreProxied() {
        assertEquals("calm-otter", SshProxy.vmName("calm-otter.vm"));
        assertEquals("calm-otter", SshProxy.vmName("Calm-Otter.VM."));
        assertThrows(UserError.class, () -> SshProxy.vmName("github.com"));
        assertThrows(UserError.class, () -> SshProxy.vmName(".vm"));
    }

    @Test
    void bytesFlowBothWaysAndTheVmSeesEofWhenSshClosesStdin() throws Exception {
        try (ServerSocket sshd = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = sshd.accept()) {
                    s.getOutputStream().write("SSH-2.0-test\r\n".getBytes());
                    byte[] got = s.getInputStream().readAllBytes(); // until the proxy's shutdownOutput
                    s.getOutputStream().write(("got " + got.length).getBytes());
                } catch (Exception e) {
                    // test fails on the assertion below
                }
            });
            server.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SshProxy.pipe("127.0.0.1", sshd.getLocalPort(), new ByteArrayInputStream("hello".getBytes()), out);
            server.join(5000);
            assertEquals("SSH-2.0-test\r\ngot 5", out.toString());
        }
    }
}
