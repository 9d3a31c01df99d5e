package dev.banger.common.rpc;

import dev.banger.proto.common.v1.ServiceInfo;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;

/**
 * {@code java -cp ... dev.banger.common.rpc.HealthProbe SOCKET}: calls Health.Check once and
 * prints the answer or the status code. Used by tests that call a service as another
 * uid, and handy for debugging a socket by hand. Exit 0 on an answer, 1 otherwise.
 */
public final class HealthProbe {
    private HealthProbe() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: HealthProbe SOCKET");
            System.exit(2);
        }
        try {
            ServiceInfo info = UdsChannels.check(Path.of(args[0]), 5000);
            System.out.println("OK " + info.getName() + " pid " + info.getPid());
            System.exit(0);
        } catch (StatusRuntimeException e) {
            System.out.println(e.getStatus().getCode() + " " + e.getStatus().getDescription());
            System.exit(1);
        }
    }
}
