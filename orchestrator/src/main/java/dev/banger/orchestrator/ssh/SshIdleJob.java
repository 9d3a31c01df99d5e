package dev.banger.orchestrator.ssh;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The SSH connections kept to guests (SshConnections): closed once idle past their time
 * (quarkus-scheduler), so a VM nobody works in does not keep an sshd for the daemon, and
 * all of them when the daemon stops.
 */
@ApplicationScoped
public class SshIdleJob {
    private final GuestSsh ssh;

    public SshIdleJob(GuestSsh ssh) {
        this.ssh = ssh;
    }

    @Scheduled(every = "30s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void closeIdle() {
        ssh.closeIdle();
    }

    void onStop(@Observes ShutdownEvent e) {
        ssh.closeAll();
    }
}
